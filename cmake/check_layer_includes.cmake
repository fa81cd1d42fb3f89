# cmake -DLAYER=<folder> -DDIR=<agent dir> -DUSES=a,b -DLAYERS=all,folders -DSTAMP=<file>
#   -P check_layer_includes.cmake
# Fails when a file of agent/<LAYER> includes a header of another agent folder that LAYER does
# not name in its da_layer(... USES ...) (agent/CMakeLists.txt): the layers only look down.
cmake_minimum_required(VERSION 3.25)
string(REPLACE "," ";" uses "${USES}")
string(REPLACE "," ";" layers "${LAYERS}")
file(GLOB files "${DIR}/${LAYER}/*.cpp" "${DIR}/${LAYER}/*.hpp")
set(problems "")
foreach(file IN LISTS files)
    file(STRINGS "${file}" includes REGEX "^[ \t]*#[ \t]*include[ \t]*\"")
    foreach(line IN LISTS includes)
        if(line MATCHES "\"(\\.\\./|[^/\"]+/)")
            set(folder "${CMAKE_MATCH_1}")
            string(REGEX REPLACE "/$" "" folder "${folder}")
            if(folder STREQUAL "..")
                string(APPEND problems "\n  ${file}: ${line} (reaches around the layers)")
            elseif(folder IN_LIST layers AND NOT folder STREQUAL LAYER
                   AND NOT folder IN_LIST uses)
                string(APPEND problems "\n  ${file}: ${line} (${LAYER} does not use ${folder})")
            endif()
        endif()
    endforeach()
endforeach()
if(problems)
    message(FATAL_ERROR "agent/${LAYER} includes a folder it may not use:${problems}\n"
                        "Move the code down, or name the layer in agent/CMakeLists.txt if the "
                        "use is right (never a layer above: no cycles).")
endif()
file(WRITE "${STAMP}" "ok\n")
