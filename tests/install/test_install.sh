#!/usr/bin/env bash
# Installs the build into a temporary prefix and builds a program against it twice, as users do: with
# pkg-config (cos.pc) and with CMake's find_package(cos); both must compile, link and run.
# usage: test_install.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1
src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake --install "$build" --prefix "$work/prefix" >/dev/null
for f in include/cos_api.h include/cos_http_io.h include/cos_log.h include/ci_audit.h lib/libcos.so lib/libcos.a \
         lib/pkgconfig/cos.pc lib/cmake/cos/cosConfig.cmake bin/cos bin/cosd bin/cosd-moderate \
         share/man/man1/cos.1 share/man/man1/cosd.1; do
  [ -e "$work/prefix/$f" ] || { echo "missing $f in the installed tree"; exit 1; }
done
cp "$src/examples/put_object.c" "$src/examples/example_env.h" "$work/"
# pkg-config, shared library
gcc -std=c11 -Wall -Werror -o "$work/pk" "$work/put_object.c" \
  $(PKG_CONFIG_PATH="$work/prefix/lib/pkgconfig" pkg-config --cflags --libs cos)
set +e
out=$(LD_LIBRARY_PATH="$work/prefix/lib" "$work/pk" 2>&1)
rc=$?
set -e
# Without settings the example explains what to set and exits 2: it linked and ran.
[ "$rc" -eq 2 ] && grep -q "set COS_ENDPOINT" <<<"$out" || { echo "pkg-config build did not run: $rc $out"; exit 1; }
# CMake find_package, static library
mkdir -p "$work/cm"
cat >"$work/cm/CMakeLists.txt" <<'CM'
cmake_minimum_required(VERSION 3.20)
project(consumer C)
find_package(cos REQUIRED)
add_executable(put_object ../put_object.c)
target_include_directories(put_object PRIVATE ..)
target_link_libraries(put_object PRIVATE cos::cos_static)
CM
cmake -S "$work/cm" -B "$work/cm/b" -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/cm/b" >/dev/null
set +e
out=$("$work/cm/b/put_object" 2>&1)
rc=$?
set -e
[ "$rc" -eq 2 ] && grep -q "set COS_ENDPOINT" <<<"$out" || { echo "find_package build did not run: $rc $out"; exit 1; }
echo "install test: headers, libraries, pkg-config and find_package(cos) all work"
