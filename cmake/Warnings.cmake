# Project-wide warning policy. Third-party headers are included as SYSTEM so
# that only our own code is held to it.
add_library(mamori_warnings INTERFACE)
target_compile_options(mamori_warnings INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wcast-align
  -Wimplicit-fallthrough -Wmissing-declarations
  $<$<BOOL:${MAMORI_WERROR}>:-Werror>)
