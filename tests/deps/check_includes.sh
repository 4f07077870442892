#!/bin/sh
# tests/deps/check_includes.sh [SRC]
#
# Dependencies point downward (ARCHITECTURE.md; STYLE.md, "Layout"): fails,
# naming each file and line, when a directory of SRC (default: src)
# includes from a directory it must not know.  The auth_request hot path
# knows nothing of the REST layer or of the process that runs it; forms and
# the audit trail know nothing of HTTP; the mailer knows nothing of the
# process that runs it nor of the housekeeping it is lent; the metrics table
# knows only core/, so that every layer can count into it.
#
# A rule is the including directory, a colon, the forbidden directories.
# A missing directory is a failure too, so that a rename cannot make a rule
# pass by checking nothing.
set -u

SRC=${1:-src}
status=0
while IFS=: read -r dir forbidden; do
    if [ ! -d "$SRC/$dir" ]; then
        echo "check_includes: $SRC/$dir: no such directory" >&2
        status=1
        continue
    fi
    pattern=$(echo "$forbidden" | tr ' ' '|')
    # #include "api/x.h", <api/x.h>, "../api/x.h"
    if grep -rnE "^[[:space:]]*#[[:space:]]*include[[:space:]]*[\"<](\.\./)*($pattern)/" \
        "$SRC/$dir" >&2; then
        echo "check_includes: $dir/ must not include from: $forbidden" >&2
        status=1
    fi
done <<RULES
validate:api server
forms:api http
audit:api http
mail:api server housekeeping
metrics:accounts api audit authctl cache crypto db forms housekeeping http json keys login mail mfa ratelimit server sessions startup validate
RULES
exit $status
