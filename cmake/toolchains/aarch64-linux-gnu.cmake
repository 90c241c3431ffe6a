# Cross-builds user space for arm64 with Debian's cross compiler
# (gcc-aarch64-linux-gnu) and multiarch arm64 libraries
# (libboost-program-options-dev:arm64); tests/deps.sh arm64 installs both.
#   cmake -S . -B build/user-arm64 -DCMAKE_TOOLCHAIN_FILE=cmake/toolchains/aarch64-linux-gnu.cmake
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
# Multiarch: packages' CMake files and libraries under lib/aarch64-linux-gnu.
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)
