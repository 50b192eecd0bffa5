# Runs a libFuzzer binary for SECONDS on a fresh copy of the SEEDS corpus.
# Usage: cmake -DFUZZER=... -DSEEDS=... -DWORK=... -DSECONDS=... -P run_fuzzer.cmake
file(REMOVE_RECURSE "${WORK}")
file(COPY "${SEEDS}/" DESTINATION "${WORK}")
execute_process(
    COMMAND "${FUZZER}" -max_total_time=${SECONDS} -max_len=512 -print_final_stats=1 "${WORK}"
    RESULT_VARIABLE result)
if(NOT result EQUAL 0)
    message(FATAL_ERROR "${FUZZER} failed (${result}); the input that broke it is saved as crash-* in the working directory")
endif()
