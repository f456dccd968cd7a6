#!/usr/bin/env bash
# Installs what the operating system must provide for nutmeg (Debian/Ubuntu):
#   g++, make, cmake, python3   the native CPU backend (cmake-js or node-gyp)
#   Mesa EGL/GL                 WebGPU through Dawn's OpenGL backend when there is no GPU (llvmpipe)
#   chromium                    the headless-browser test of the HTML report (tests/report/html-chromium.test.ts)
#   python3-xarray, -h5netcdf,  the test that reads `fit --netcdf` output with xarray and netCDF-C's ncdump
#   -netcdf4, netcdf-bin        (tests/io/inference-data.test.ts; about 11 MB to download, 60 MB installed)
#   emscripten                  emcc, for the browser's CPU path (scripts/build-wasm.mjs: the native kernels as
#                               WebAssembly); the browser build stops without it. Debian's 3.1.6: 109 MB to download
#                               (805 MB installed), about 160 MB with clang-14, llvm-14, lld-14 and binaryen when
#                               none of them is present
# Packages already present are left alone; run as root (or through sudo).
set -euo pipefail
packages=(g++ make cmake python3 libegl1 libegl-mesa0 libgl1-mesa-dri libgles2 chromium python3-xarray python3-h5netcdf python3-netcdf4 netcdf-bin emscripten)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "system packages: all present"
  exit 0
fi
echo "system packages: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
$SUDO apt-get update -q
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
