# Project-wide warning policy. Third-party headers are included as SYSTEM so
# that only our own code is held to it.
add_library(mamori_warnings INTERFACE)
target_compile_options(mamori_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-align
  -Wimplicit-fallthrough -Wmissing-declarations
  $<$<BOOL:${MAMORI_WERROR}>:-Werror>)

# GCC's flow analysis reports -Wmaybe-uninitialized inside libstdc++ (std::regex,
# std::function) when the sanitizers' instrumentation is optimised; the GCC manual
# warns that -fsanitize builds give such false positives. Kept as a warning there,
# an error everywhere else.
if(MAMORI_SANITIZE AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
  target_compile_options(mamori_warnings INTERFACE -Wno-error=maybe-uninitialized)
endif()
