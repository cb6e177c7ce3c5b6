#!/usr/bin/env bash
# Packs into .gpu/ (git-ignored) what bench/gpu.sh needs on a GPU machine that has CUDA's
# compiler but no node and no network (bench/GPU.md):
#
#   .gpu/node.xz           this machine's node binary (official Linux x64 builds need only glibc)
#   .gpu/runtime.tar.xz    the benchmark and the model process bundled with esbuild, the
#                          node_modules they load at run time (node-llama-cpp and its
#                          dependencies, without its prebuilt binaries), llama.cpp's source as
#                          node-llama-cpp ships it (its git bundle, with its patches applied,
#                          backends other than the CPU's and CUDA's left out), and node's N-API
#                          headers: gpu.sh builds the CUDA addon there, for that GPU alone.
#
# Run it in the checkout the GPU run is sent from, after `npm ci`:  bench/gpu-pack.sh
# It prints the carried size; the device call takes at most 64 MiB with the working tree.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
GPU=$ROOT/.gpu
STAGE=$ROOT/.gpu-build/stage
NLC=$ROOT/node_modules/node-llama-cpp
rm -rf "$STAGE"
mkdir -p "$GPU" "$STAGE/app" "$STAGE/include/node"

NODE_BIN=$(readlink -f "$(command -v node)")
if [[ ! -f $GPU/node.xz || $GPU/node.xz -ot $NODE_BIN ]]; then
  echo "gpu-pack: compressing $NODE_BIN ($(node -v))"
  nice -n 15 xz -6 -T1 -c "$NODE_BIN" >"$GPU/node.xz.partial"
  mv "$GPU/node.xz.partial" "$GPU/node.xz"
fi

# The bundles run without tsx; node-llama-cpp stays a package, as it finds its binaries and
# llama.cpp's source beside its own files.
bundle() {
  nice -n 15 npx esbuild --bundle --platform=node --format=esm --target=node20 \
    --external:node-llama-cpp --log-level=warning \
    --banner:js="import { createRequire as __cfRequire } from 'node:module'; const require = __cfRequire(import.meta.url);" \
    "$@"
}
bundle packages/inference/bench/inference-bench.ts --outfile="$STAGE/app/inference-bench.mjs"
bundle packages/inference/src/llama/model-process.ts --outfile="$STAGE/app/model-process.mjs"
bundle packages/inference/bench/gpu-fixture.ts --outfile="$STAGE/app/gpu-fixture.mjs"

# node-llama-cpp and everything it imports, by the dependencies each package.json names.
node --input-type=module -e '
  import { existsSync, readFileSync } from "node:fs";
  import { dirname, join, relative } from "node:path";
  const root = process.cwd();
  const seen = new Set();
  const queue = [["node-llama-cpp", root], ["node-addon-api", root]];
  const find = (name, from) => {
    for (let dir = from; ; dir = dirname(dir)) {
      const candidate = join(dir, "node_modules", name);
      if (existsSync(join(candidate, "package.json"))) return candidate;
      if (dirname(dir) === dir) return null;
    }
  };
  while (queue.length > 0) {
    const [name, from] = queue.shift();
    const dir = find(name, from);
    if (!dir || seen.has(dir)) continue;
    seen.add(dir);
    const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    for (const dependency of Object.keys(manifest.dependencies ?? {})) queue.push([dependency, dir]);
  }
  console.log([...seen].map((dir) => relative(root, dir)).join("\n"));
' >"$STAGE/packages.txt"
# The CUDA binaries' package without its binaries: gpu.sh puts its own build in its place.
echo node_modules/@node-llama-cpp/linux-x64-cuda >>"$STAGE/packages.txt"
rsync -a -r --relative --files-from="$STAGE/packages.txt" \
  --exclude='*.map' --exclude='*.d.ts' --exclude='*.md' \
  --exclude='node-llama-cpp/llama/gitRelease.bundle' --exclude='node-llama-cpp/llama/localBuilds' \
  --exclude='node-llama-cpp/bins' --exclude='node-llama-cpp/templates' \
  --exclude='linux-x64-cuda/bins' \
  ./ "$STAGE/"

# llama.cpp's source where node-llama-cpp builds it from (llama/llama.cpp).
SOURCE=$ROOT/.gpu-build/llama.cpp
if [[ ! -f $SOURCE/.patched ]]; then
  rm -rf "$SOURCE"
  git clone --quiet "$NLC/llama/gitRelease.bundle" "$SOURCE"
  for patch in "$NLC"/llama/patches/*.diff; do
    [[ -f $patch ]] && git -C "$SOURCE" apply --ignore-whitespace "$patch"
  done
  touch "$SOURCE/.patched"
fi
# Anchored (leading /): only the top-level folders go; src/models holds the model graphs.
rsync -a "$SOURCE/" "$STAGE/node_modules/node-llama-cpp/llama/llama.cpp/" \
  --exclude=/.git --exclude=/docs --exclude=/examples --exclude=/tools --exclude=/tests \
  --exclude=/models --exclude=/media --exclude=/gguf-py --exclude=/scripts --exclude=/pocs \
  --exclude=/app --exclude=/benches --exclude=/skills --exclude=/ci --exclude=/conversion \
  --exclude='ggml/src/ggml-'{vulkan,metal,sycl,opencl,cann,webgpu,hexagon,openvino,et,virtgpu,zdnn,zendnn,musa,hip,rpc,blas,kompute}

NODE_HEADERS=$(dirname "$(dirname "$NODE_BIN")")/include/node
[[ -f $NODE_HEADERS/node_api.h ]] || NODE_HEADERS=/usr/include/node
cp "$NODE_HEADERS"/{node_api.h,node_api_types.h,js_native_api.h,js_native_api_types.h} "$STAGE/include/node/"

nice -n 15 tar -C "$STAGE" -cf - app include node_modules | nice -n 15 xz -6 -T1 >"$GPU/runtime.tar.xz.partial"
mv "$GPU/runtime.tar.xz.partial" "$GPU/runtime.tar.xz"
rm -rf "$STAGE"

tree_bytes=$(git ls-files -z | xargs -0 du -cb | tail -1 | cut -f1)
carried_bytes=$(du -cb "$GPU"/node.xz "$GPU"/runtime.tar.xz | tail -1 | cut -f1)
echo "gpu-pack: .gpu/node.xz $(du -h "$GPU/node.xz" | cut -f1), .gpu/runtime.tar.xz $(du -h "$GPU/runtime.tar.xz" | cut -f1)"
echo "gpu-pack: carried $((carried_bytes / 1048576)) MiB + tracked tree $((tree_bytes / 1048576)) MiB (limit 64 MiB)"
if ((carried_bytes + tree_bytes > 62 * 1048576)); then
  echo "gpu-pack: too large for one device call" >&2
  exit 1
fi
