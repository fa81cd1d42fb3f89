add_library(da_warnings INTERFACE)
target_compile_options(da_warnings INTERFACE -Wall -Wextra -Wpedantic -Wconversion -Wno-sign-conversion
    # g++ 12 at -O2 reports Asio's own coroutine-frame operator new/delete pair as mismatched
    # (aligned_alloc'd, freed by the matching sized delete): a known false positive.
    -Wno-mismatched-new-delete)
if(DA_WERROR)
    target_compile_options(da_warnings INTERFACE -Werror)
endif()

add_library(da_sanitizers INTERFACE)
if(DA_SANITIZE)
    target_compile_options(da_sanitizers INTERFACE -fsanitize=address,undefined -fno-omit-frame-pointer)
    target_link_options(da_sanitizers INTERFACE -fsanitize=address,undefined)
endif()
