# Writes OUT, a C++ file defining authd::db::migrations(): every file of
# SQL_FILES (already sorted) as {version, sql}.  Run at build time by CMake.
set(body "// Generated from sql/*.sql by cmake/embed_sql.cmake. Do not edit.\n")
string(APPEND body "#include \"db/migrations.h\"\n\nnamespace authd::db {\n\n")
string(APPEND body "std::span<const Migration> migrations() {\n    static const Migration kAll[] = {\n")
foreach(f ${SQL_FILES})
  get_filename_component(name ${f} NAME_WE)
  file(READ ${f} content)
  string(APPEND body "        {\"${name}\", R\"authd_sql(${content})authd_sql\"},\n")
endforeach()
string(APPEND body "    };\n    return kAll;\n}\n\n}  // namespace authd::db\n")
file(WRITE ${OUT}.tmp "${body}")
file(COPY_FILE ${OUT}.tmp ${OUT} ONLY_IF_DIFFERENT)
