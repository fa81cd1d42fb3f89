add_library(da_warnings INTERFACE)
target_compile_options(da_warnings INTERFACE -Wall -Wextra -Wpedantic -Wconversion -Wno-sign-conversion
    # g++ 12 at -O2 reports Asio's own coroutine-frame operator new/delete pair as mismatched
    # (aligned_alloc'd, freed by the matching sized delete): a known false positive.
    -Wno-mismatched-new-delete
    # g++ 12 at -O3 reports std::string's own memcpy as overlapping by 2^63 bytes (GCC PR 105329,
    # fixed in 13): a false positive in libstdc++'s headers, not in this code.
    -Wno-restrict)
if(DA_WERROR)
    target_compile_options(da_warnings INTERFACE -Werror)
endif()

add_library(da_sanitizers INTERFACE)
if(DA_SANITIZE)
    # GCC 12 under -fsanitize=address reports -Wmaybe-uninitialized in libstdc++'s <regex> and
    # <functional> that the plain build does not (GCC documents such false positives with the
    # sanitizers); the plain build keeps the warning as an error.
    target_compile_options(da_warnings INTERFACE -Wno-maybe-uninitialized)
    target_compile_options(da_sanitizers INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer)
    # Linked as a fixed-address executable: UBSan's data for each of its checks holds pointers,
    # which in a position-independent executable are millions of relocations applied at every
    # start (the unit tests' binary: 240 MB of them, 1.6 s of CPU per test process; 0.7 s
    # without). The tests start hundreds of processes; none of them needs ASLR.
    target_link_options(da_sanitizers INTERFACE -fsanitize=address,undefined -no-pie)
endif()

# da_unity(TARGET): compiles TARGET's sources in batches when DA_UNITY_BUILD is on. Sources with
# options of their own (the cold files of hot stages) stay translation units of their own.
# GCC takes a type of an anonymous namespace used in a coroutine frame of another file of the
# batch for a header's (-Wsubobject-linkage): a batch is one file, so the warning is off there.
# An optional second argument sets the batch size (default 16).
function(da_unity target)
    if(DA_UNITY_BUILD)
        set(batch 16)
        if(ARGC GREATER 1)
            set(batch ${ARGV1})
        endif()
        set_target_properties(${target} PROPERTIES UNITY_BUILD ON UNITY_BUILD_BATCH_SIZE ${batch})
        target_compile_options(${target} PRIVATE -Wno-subobject-linkage)
    endif()
endfunction()
