# Runs a libFuzzer binary for SECONDS on a fresh copy of the SEEDS corpus.
# Usage: cmake -DFUZZER=... -DSEEDS=... -DWORK=... -DSECONDS=... -P run_fuzzer.cmake
# MAX_LEN: the longest input tried (default 512).
if(NOT MAX_LEN)
    set(MAX_LEN 512)
endif()
file(REMOVE_RECURSE "${WORK}")
file(COPY "${SEEDS}/" DESTINATION "${WORK}")
execute_process(
    COMMAND "${FUZZER}" -max_total_time=${SECONDS} -max_len=${MAX_LEN} -print_final_stats=1 "${WORK}"
    RESULT_VARIABLE result)
if(NOT result EQUAL 0)
    message(FATAL_ERROR "${FUZZER} failed (${result}); the input that broke it is saved as crash-* in the working directory")
endif()
