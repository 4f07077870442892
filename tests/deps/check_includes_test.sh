#!/bin/sh
# tests/deps/check_includes_test.sh
#
# The include check can fail: on a scratch tree that obeys every rule it
# passes; each forbidden include, added alone (in each spelling it knows),
# makes it fail and name the file and line; a missing directory fails it.
set -u

CHECK=$(dirname "$0")/check_includes.sh
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fails=0

for d in validate forms audit mail api server http housekeeping sessions metrics; do
    mkdir -p "$TMP/src/$d"
    printf '#include "core/result.h"\n#include <string>\n' > "$TMP/src/$d/ok.h"
done
printf '#include "sessions/token.h"\n#include "http/request.h"\n' > "$TMP/src/validate/ok.cpp"
if ! sh "$CHECK" "$TMP/src" 2>"$TMP/out"; then
    echo "a tree that obeys the rules failed:" >&2
    cat "$TMP/out" >&2
    fails=1
fi

while read -r dir include; do
    file="$TMP/src/$dir/bad.cpp"
    printf '// x\n%s\n' "$include" > "$file"
    if sh "$CHECK" "$TMP/src" 2>"$TMP/out"; then
        echo "not caught: $dir/ with $include" >&2
        fails=1
    elif ! grep -q "$dir/bad.cpp:2:" "$TMP/out"; then
        echo "caught but not named: $dir/ with $include" >&2
        cat "$TMP/out" >&2
        fails=1
    fi
    rm "$file"
done <<CASES
validate #include "api/auth.h"
validate #include "server/worker.h"
validate #include "../server/worker.h"
forms #include "api/call.h"
forms #include "http/response.h"
audit #include <api/audit_origin.h>
audit   #  include "http/request.h"
mail #include "api/services.h"
mail #include "server/worker.h"
mail #include "housekeeping/purge.h"
metrics #include "db/connection.h"
metrics #include <http/request.h>
metrics #include "../server/master.h"
CASES

mv "$TMP/src/forms" "$TMP/src/forms.old"
if sh "$CHECK" "$TMP/src" 2>/dev/null; then
    echo "a missing directory was not caught" >&2
    fails=1
fi
exit $fails
