# check_headers.cmake: compiles every public header of libcos on its own (a translation unit that
# includes only that header), as C11 with warnings as errors. Run by ctest as test_sdk_headers.
# Inputs: -DCC=<compiler> -DINCLUDE_DIR=<include> -DWORK_DIR=<scratch dir>
file(GLOB headers RELATIVE ${INCLUDE_DIR} ${INCLUDE_DIR}/*.h)
file(MAKE_DIRECTORY ${WORK_DIR})
set(failed "")
foreach(h ${headers})
  string(REPLACE "." "_" stem ${h})
  set(src ${WORK_DIR}/only_${stem}.c)
  file(WRITE ${src} "#include \"${h}\"\nint header_check_${stem}(void);\nint header_check_${stem}(void) { return 0; }\n")
  execute_process(COMMAND ${CC} -std=c11 -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes
                          -Werror -fsyntax-only -I${INCLUDE_DIR} ${src}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message("${h} does not compile on its own:\n${err}")
    list(APPEND failed ${h})
  endif()
endforeach()
list(LENGTH headers n)
if(failed)
  message(FATAL_ERROR "headers failing: ${failed}")
endif()
message("all ${n} public headers compile on their own")
