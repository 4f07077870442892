# cmake/config_docs.cmake: the documents made from authd's option table.
# Run with -DAUTHD=<authd binary> -DOUT_DIR=<dir> -DMAN_IN=<authd.conf.5.in>:
# writes OUT_DIR/authd.conf (authd --config-template) and
# OUT_DIR/authd.conf.5 (MAN_IN with @OPTIONS@ replaced by authd --config-man).
cmake_minimum_required(VERSION 3.25)  # CMP0053: "@OPTIONS@" is text, not a variable
execute_process(COMMAND ${AUTHD} --config-template OUTPUT_FILE ${OUT_DIR}/authd.conf
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "authd --config-template failed: ${rc}")
endif()
execute_process(COMMAND ${AUTHD} --config-man OUTPUT_VARIABLE OPTIONS RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "authd --config-man failed: ${rc}")
endif()
file(READ ${MAN_IN} page)
string(REPLACE "@OPTIONS@\n" "${OPTIONS}" page "${page}")
file(WRITE ${OUT_DIR}/authd.conf.5 "${page}")
