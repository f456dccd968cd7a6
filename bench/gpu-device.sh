#!/usr/bin/env bash
# The WebGPU benchmark (and optionally a full WebGPU fit of the real Hillstrom data) on the GPU machine of the
# workplace's `device` tool (/work/.library/device/README.md), in one call. That machine has no Node, no npm registry
# and no Vulkan loader, so everything travels in one git-excluded folder, .gpu/:
#   .gpu/app/js/bench/entry.mjs  bench/gpu-device-entry.ts bundled by esbuild with src/, from the last commit (HEAD),
#                             not the working tree; 3 folders below .gpu/, so that the backend finds .gpu/shaders/
#                             (HEAD's) at ../../../shaders/ as it does from src/backend/webgpu/
#   .gpu/run.mjs              launcher that imports the bundle
#   .gpu/node_modules/webgpu  Dawn's node bindings (linux-x64 only; dawn.node xz-compressed)
#   .gpu/node.xz              this machine's node binary, used there when no Node >= 20 is installed
#   .gpu/gl/*.deb             the Vulkan/EGL loaders (Debian packages, unpacked into / there, as the README says)
#   .gpu/data/hillstrom.csv   only with --fit-data: a transient copy of the real data for the fit (never commit it;
#                             `bash bench/gpu-device.sh clean` removes the folder)
#
# Here (the CPU machine, repository root):
#   bash bench/gpu-device.sh prepare [--fit-data ../shared/data/hillstrom.csv]
# then one call of the device tool's `run`, with carry [".gpu"] and a timeout of 600 s:
#   bash bench/gpu-device.sh device        (or `tune`: the kernel layout sweep, $OUT/webgpu-tune.json and tune-log.txt)
# It writes to $OUT: log.txt (nvidia-smi, `nutmeg devices`, the bench ladder, the fit's summary), webgpu-bench.json
# (bench/webgpu.bench.ts cells: 64,000 rows, pooled and hierarchical, 1 … 4096 chains) and, with --fit-data,
# wgfits.tgz (run directories wgfits/{pooled,hierarchical,crossed}: 4 chains × 1000 + 1000, --backend webgpu). Back here:
#   tar -xzf <files_at>/wgfits.tgz -C /tmp && npx tsx scripts/compare-stan.ts /tmp/wgfits/hierarchical hierarchical
set -euo pipefail
cd "$(dirname "$0")/.."

prepare() {
  local data=""
  while [ $# -gt 0 ]; do
    case "$1" in
      --fit-data) data="$2"; shift 2 ;;
      *) echo "unknown option $1" >&2; exit 2 ;;
    esac
  done
  grep -qx '/.gpu/' .git/info/exclude 2>/dev/null || echo '/.gpu/' >>.git/info/exclude
  rm -rf .gpu
  mkdir -p .gpu/app/js/bench .gpu/gl .gpu/node_modules/webgpu/dist/linux-x64
  # the committed sources only (others may have work in progress in the tree)
  local snap
  snap=$(mktemp -d)
  git archive HEAD | tar -x -C "$snap"
  ln -s "$PWD/node_modules" "$snap/node_modules"
  npx esbuild "$snap/bench/gpu-device-entry.ts" --bundle --platform=node --format=esm --target=node20 --external:webgpu \
    --log-level=warning --outfile=.gpu/app/js/bench/entry.mjs \
    --banner:js="import { createRequire as __nutmegRequire } from 'node:module'; const require = __nutmegRequire(import.meta.url);"
  cp -r "$snap/shaders" .gpu/shaders
  cp "$snap/package.json" .gpu/app/package.json # the CLI reads its version from ../../package.json
  rm -rf "$snap"
  echo "await import('./app/js/bench/entry.mjs');" >.gpu/run.mjs
  cp node_modules/webgpu/package.json node_modules/webgpu/index.js .gpu/node_modules/webgpu/
  xz -T2 -6 -c node_modules/webgpu/dist/linux-x64/dawn.node >.gpu/dawn.node.xz
  xz -T2 -6 -c "$(readlink -f "$(command -v node)")" >.gpu/node.xz
  (
    cd .gpu/gl
    mkdir -p /tmp/nutmeg-apt-amd64/partial
    local o='-oAPT::Architecture=amd64 -oAPT::Architectures=amd64 -oDir::State::Lists=/tmp/nutmeg-apt-amd64'
    # shellcheck disable=SC2086
    apt-get $o update >/dev/null
    # shellcheck disable=SC2086
    apt-get $o download libvulkan1 libegl1 libglvnd0 libopengl0 libgl1 libglx0 libgles2 >/dev/null
  )
  if [ -n "$data" ]; then
    mkdir -p .gpu/data
    cp "$data" .gpu/data/hillstrom.csv
  fi
  du -sh .gpu
  echo "now: device tool run, carry [\".gpu\"], timeout_s 600, command: bash bench/gpu-device.sh device"
}

# Unpacks the loaders, Node and Dawn there; sets NODE.
setup_device() {
  : "${OUT:?OUT is not set: run this through the device tool}"
  for f in .gpu/gl/*.deb; do dpkg -x "$f" /; done
  ldconfig
  # the NVIDIA Vulkan ICD and EGL vendor files where the driver mount keeps them, when the loader does not find them
  if [ -f /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json ] && ! ls /usr/share/vulkan/icd.d/nvidia* >/dev/null 2>&1; then
    export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
    export __EGL_VENDOR_LIBRARY_FILENAMES=/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json
  fi
  NODE=node
  if ! command -v node >/dev/null || [ "$(node -p 'process.versions.node.split(".")[0]')" -lt 20 ]; then
    mkdir -p /tmp/nutmeg-node
    xz -dc .gpu/node.xz >/tmp/nutmeg-node/node
    chmod +x /tmp/nutmeg-node/node
    NODE=/tmp/nutmeg-node/node
  fi
  xz -dc .gpu/dawn.node.xz >.gpu/node_modules/webgpu/dist/linux-x64/dawn.node
}

device() {
  setup_device
  local log="$OUT/log.txt" node="$NODE"
  {
    echo "== $(date -u +%FT%TZ) node $("$node" --version)"
    nvidia-smi -L || true
    echo "== nutmeg devices"
    timeout 120 "$node" .gpu/run.mjs cli devices || true
    echo "== bench/webgpu.bench.ts ladder"
  } >"$log" 2>&1
  timeout 240 "$node" .gpu/run.mjs bench "$OUT/webgpu-bench.json" >>"$log" 2>&1 || echo "bench exit $?" >>"$log"
  if [ -f .gpu/data/hillstrom.csv ]; then
    # the run directories travel back as one archive (the device tool returns at most 8 files)
    for model in pooled hierarchical crossed; do
      echo "== $model fit, --backend webgpu, 4 chains x 1000 + 1000" >>"$log"
      timeout 150 "$node" .gpu/run.mjs cli fit --data .gpu/data/hillstrom.csv --model "$model" --backend webgpu \
        --chains 4 --warmup 1000 --draws 1000 --seed 20261122 --out "/tmp/wgfits/$model" >>"$log" 2>&1 || echo "fit exit $?" >>"$log"
    done
    tar -czf "$OUT/wgfits.tgz" -C /tmp wgfits
  fi
  cat "$log"
}

# The layout sweep of the gradient kernel (bench/gpu-device-entry.ts tune) instead of the ladder and fit.
tune() {
  setup_device
  {
    nvidia-smi -L || true
    timeout 500 "$NODE" .gpu/run.mjs tune "$OUT/webgpu-tune.json" || echo "tune exit $?"
  } 2>&1 | tee "$OUT/tune-log.txt"
}

case "${1:-}" in
  prepare) shift; prepare "$@" ;;
  device) device ;;
  tune) tune ;;
  clean) rm -rf .gpu ;;
  *) echo "usage: bash bench/gpu-device.sh prepare [--fit-data CSV] | device | tune | clean" >&2; exit 2 ;;
esac
