#!/usr/bin/env bash
# The inference benchmark on an NVIDIA GPU, in one run of a few minutes, on a Linux x64
# machine with CUDA's compiler (nvcc 13), cmake and a C++ compiler but no node and no network
# (bench/GPU.md). It needs what bench/gpu-pack.sh put in .gpu/ (node.xz, runtime.tar.xz):
#
#   1. unpacks node and the bundled benchmark into $GPU_RUNTIME_DIR (/tmp/codeface-gpu);
#   2. builds node-llama-cpp's addon with CUDA from the llama.cpp source it ships, for this
#      machine's GPU alone (its prebuilt CUDA binaries are too large to carry), into the place of
#      its prebuilt CUDA package, while the GPU model (~310M parameters) is generated;
#   3. runs the inference benchmark (packages/inference/bench/inference-bench.ts) on it, with
#      nvidia-smi's reading of the model process's GPU memory against the fit estimate;
#   4. writes $OUT/gpu.json (the figures, whether CUDA loaded, where the time went), beside the
#      benchmark's full results and the logs.
#
#   bench/gpu.sh      (OUT, CUDA_HOME, CUDA_ARCH, JOBS, TOTAL_LIMIT_S, BUILD_LIMIT_S and
#                      CUBLAS_SEARCH, a folder with NVIDIA's cuBLAS wheel unpacked, may be set)
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export OUT=${OUT:-$ROOT/.gpu/out}
RT=${GPU_RUNTIME_DIR:-/tmp/codeface-gpu}
JOBS=${JOBS:-$(nproc)}
CUDA_ARCH=${CUDA_ARCH:-90-real}
# The whole script ends within this, so its results come back from a 10-minute call.
TOTAL_LIMIT_S=${TOTAL_LIMIT_S:-520}
BUILD_LIMIT_S=${BUILD_LIMIT_S:-360}
mkdir -p "$OUT" "$RT/bin"
STARTED=$(date +%s)
elapsed() { echo $(($(date +%s) - STARTED)); }
log() { echo "gpu.sh [$(elapsed) s] $*" | tee -a "$OUT/gpu-log.txt"; }
STATUS=started
BUILD_S=null
BENCH_S=null
CUDA_BUILT=false

finish() {
  local bench_json=$OUT/inference-gpu.json
  [[ -f $bench_json ]] || bench_json=
  log "status: $STATUS"
  if command -v node >/dev/null; then
    STATUS=$STATUS BUILD_S=$BUILD_S BENCH_S=$BENCH_S CUDA_BUILT=$CUDA_BUILT TOTAL_S=$(elapsed) \
      BENCH_JSON=$bench_json SMI="$(cat "$OUT/nvidia-smi.txt" 2>/dev/null)" node --input-type=module -e '
      import { readFileSync, writeFileSync } from "node:fs";
      const env = process.env;
      const bench = env.BENCH_JSON ? JSON.parse(readFileSync(env.BENCH_JSON, "utf8")) : null;
      const round = (x) => Math.round(x * 1000) / 1000;
      const figures = bench && {
        backend: bench.meta.backend,
        gpu: bench.meta.gpu_memory?.gpu ?? null,
        model: bench.meta.model,
        engine_tps: bench.engine_tps,
        inproc_tps: bench.inproc_tps,
        engine_vs_inproc: round(bench.engine_tps / bench.inproc_tps),
        ratio_engine_vs_inproc: bench.ratio_engine_vs_inproc,
        ttft_one_token_ms: bench.ttft_one_token_ms,
        ttft_first_ms: bench.ttft_first_ms,
        ttft_followup_ms: bench.ttft_followup_ms,
        ttft_reopen_cold_ms: bench.ttft_reopen_cold_ms,
        ttft_reopen_restored_ms: bench.ttft_reopen_restored_ms,
        ttft_reopen_opened_ms: bench.meta.ttft_reopen_opened_ms,
        state_save_ms: bench.state_save_ms,
        state_load_ms: bench.state_load_ms,
        state_file_mb: bench.state_file_mb,
        reopen_prompt_tokens: bench.meta.reopen_prompt_tokens,
        lookup_tps: bench.lookup_tps,
        nolookup_tps: bench.nolookup_tps,
        gpu_memory: bench.meta.gpu_memory,
      };
      const result = {
        status: env.STATUS,
        cuda_built: env.CUDA_BUILT === "true",
        cuda_loaded: bench?.meta.backend === "cuda",
        nvidia_smi: env.SMI || null,
        seconds: { build: JSON.parse(env.BUILD_S), bench: JSON.parse(env.BENCH_S), total: Number(env.TOTAL_S) },
        figures,
      };
      writeFileSync(`${process.env.OUT}/gpu.json`, `${JSON.stringify(result, null, 2)}\n`);
      console.log(JSON.stringify(result, null, 2));
    ' || log "could not write gpu.json"
  fi
  exit 0
}

log "unpacking node and the runtime into $RT"
if ! xz -dc "$ROOT/.gpu/node.xz" >"$RT/bin/node" || ! tar -xJf "$ROOT/.gpu/runtime.tar.xz" -C "$RT"; then
  STATUS="unpack failed: run bench/gpu-pack.sh and carry .gpu"
  finish
fi
chmod +x "$RT/bin/node"
export PATH=$RT/bin:$PATH
NLC=$RT/node_modules/node-llama-cpp
log "node $(node -v)"
nvidia-smi --query-gpu=name,memory.total,memory.used,driver_version --format=csv,noheader >"$OUT/nvidia-smi.txt" 2>&1
cat "$OUT/nvidia-smi.txt"

# The model is generated while the addon builds (one core against the build's many).
mkdir -p "$ROOT/.cache/models"
node "$RT/app/gpu-fixture.mjs" "$ROOT/.cache/models" >"$OUT/model-path.txt" 2>"$OUT/model-log.txt" &
MODEL_PID=$!

# CUDA: the toolkit named, or the one nvcc belongs to; cuBLAS from it, or from NVIDIA's Python
# wheels (nvidia/cu13), which ML images carry when the toolkit has no cuBLAS.
CUDA_HOME=${CUDA_HOME:-/usr/local/cuda-13.0}
[[ -x $CUDA_HOME/bin/nvcc ]] || CUDA_HOME=$(dirname "$(dirname "$(readlink -f "$(command -v nvcc)")")")
CUDART_LIB=$(dirname "$(find -L "$CUDA_HOME/lib64" "$CUDA_HOME/targets" -name 'libcudart.so*' 2>/dev/null | head -1)")
TOOLKIT_CUBLAS=$(find -L "$CUDA_HOME/lib64" "$CUDA_HOME/targets" -name 'libcublas.so.1[0-9]' 2>/dev/null | head -1)
CUBLAS_FLAGS=()
if [[ -n $TOOLKIT_CUBLAS && -f $CUDA_HOME/include/cublas_v2.h ]]; then
  CUBLAS_LIB=$(dirname "$TOOLKIT_CUBLAS")
else
  SITES=$(python3 -c 'import site; print(" ".join(site.getsitepackages()))' 2>/dev/null)
  # shellcheck disable=SC2086
  CUBLAS_SO=$(find ${CUBLAS_SEARCH:-} $SITES /usr/local/lib -maxdepth 6 -path '*nvidia*' -name 'libcublas.so.1[0-9]' 2>/dev/null | head -1)
  if [[ -z $CUBLAS_SO ]]; then
    STATUS="no cuBLAS found (neither in $CUDA_HOME nor in Python's nvidia packages)"
    finish
  fi
  CUBLAS_LIB=$(dirname "$CUBLAS_SO")
  CUBLAS_INCLUDE=$(dirname "$CUBLAS_LIB")/include
  # The wheels ship versioned names only; the link step wants the plain ones.
  mkdir -p "$RT/cublas"
  ln -sf "$CUBLAS_SO" "$RT/cublas/libcublas.so"
  ln -sf "$(ls "$CUBLAS_LIB"/libcublasLt.so.1[0-9] | head -1)" "$RT/cublas/libcublasLt.so"
  CUBLAS_FLAGS=(
    "-DCUDA_cublas_LIBRARY=$RT/cublas/libcublas.so"
    "-DCUDA_cublasLt_LIBRARY=$RT/cublas/libcublasLt.so"
    "-DCMAKE_CXX_FLAGS=-I$CUBLAS_INCLUDE"
    "-DCMAKE_CUDA_FLAGS=-I$CUBLAS_INCLUDE"
  )
fi
DRIVER_LIB=$(dirname "$(ldconfig -p 2>/dev/null | awk '/libcuda\.so\.1 /{print $NF; exit}')")
[[ $DRIVER_LIB == . && -d /usr/local/nvidia/lib64 ]] && DRIVER_LIB=/usr/local/nvidia/lib64
export LD_LIBRARY_PATH=$CUBLAS_LIB:$CUDART_LIB:$DRIVER_LIB${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
log "CUDA $CUDA_HOME ($("$CUDA_HOME/bin/nvcc" --version | tail -2 | head -1)), cuBLAS $CUBLAS_LIB, driver $DRIVER_LIB"
# Without the driver's library to link against (a stub in the toolkit, or the driver itself),
# ggml's CUDA pool falls back from virtual memory management to plain allocations.
NO_VMM=OFF
[[ -e $CUDA_HOME/lib64/stubs/libcuda.so || -e $DRIVER_LIB/libcuda.so ]] || NO_VMM=ON

# Where node-llama-cpp looks for its prebuilt CUDA binaries: its `gpu: 'auto'` then loads this
# build as it would the npm package's.
BINS=$RT/node_modules/@node-llama-cpp/linux-x64-cuda/bins/linux-x64-cuda
RELEASE=$(node -p "require('$NLC/llama/llama.cpp.info.json').tag")
GENERATOR=()
command -v ninja >/dev/null && GENERATOR=(-G Ninja)
log "configuring llama.cpp $RELEASE for CUDA arch $CUDA_ARCH (flash attention kernels off, VMM off: $NO_VMM)"
# GGML_CUDA_FA=OFF: the flash-attention kernels are most of the build; node-llama-cpp's
# default runs attention without them. GGML_NATIVE: built where it runs.
if ! cmake -S "$NLC/llama" -B "$RT/build" "${GENERATOR[@]}" \
  -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_JS_INC="$RT/include/node" \
  -DCMAKE_LIBRARY_OUTPUT_DIRECTORY="$BINS" \
  -DCMAKE_RUNTIME_OUTPUT_DIRECTORY="$BINS" \
  -DCMAKE_CUDA_COMPILER="$CUDA_HOME/bin/nvcc" \
  -DCUDAToolkit_ROOT="$CUDA_HOME" \
  -DCMAKE_CUDA_ARCHITECTURES="$CUDA_ARCH" \
  -DGGML_CUDA=ON -DGGML_CUDA_FA=OFF -DGGML_CUDA_NO_VMM=$NO_VMM -DGGML_CUDA_NCCL=OFF \
  -DGGML_NATIVE=ON -DGGML_CCACHE=OFF -DGGML_BUILD_NUMBER=1 \
  -DLLAMA_CURL=OFF -DLLAMA_HTTPLIB=OFF -DLLAMA_BUILD_BORINGSSL=OFF -DLLAMA_OPENSSL=OFF \
  -DNLC_CURRENT_PLATFORM=linux-x64 -DNLC_TARGET_PLATFORM=linux-x64 -DNLC_VARIANT="cuda.$RELEASE" \
  "${CUBLAS_FLAGS[@]}" >"$OUT/build-log.txt" 2>&1; then
  tail -30 "$OUT/build-log.txt"
  STATUS="cmake configure failed (build-log.txt)"
  finish
fi
build_started=$(date +%s)
log "building with $JOBS jobs (at most $BUILD_LIMIT_S s)"
timeout "$BUILD_LIMIT_S" cmake --build "$RT/build" --parallel "$JOBS" --target llama-addon >>"$OUT/build-log.txt" 2>&1
build_rc=$?
BUILD_S=$(($(date +%s) - build_started))
if [[ $build_rc -ne 0 || ! -f $BINS/llama-addon.node ]]; then
  tail -30 "$OUT/build-log.txt"
  STATUS="build failed or ran out of time (rc $build_rc after $BUILD_S s; build-log.txt)"
  finish
fi
CUDA_BUILT=true
cat >"$BINS/_nlcBuildMetadata.json" <<EOF
{"buildOptions":{"customCmakeOptions":{},"progressLogs":true,"platform":"linux","platformInfo":{"name":"Ubuntu","version":"24.04"},"arch":"x64","gpu":"cuda","llamaCpp":{"repo":"ggml-org/llama.cpp","release":"$RELEASE"}}}
EOF
log "built in $BUILD_S s: $(ls "$BINS" | tr '\n' ' ')"

if ! wait "$MODEL_PID"; then
  cat "$OUT/model-log.txt"
  STATUS="generating the GPU model failed (model-log.txt)"
  finish
fi
MODEL=$(tail -1 "$OUT/model-path.txt")
log "model $MODEL ($(du -h "$MODEL" | cut -f1))"

BENCH_LIMIT_S=$((TOTAL_LIMIT_S - $(elapsed) - 10))
log "benchmark (at most $BENCH_LIMIT_S s)"
bench_started=$(date +%s)
(cd "$RT" && timeout "$BENCH_LIMIT_S" node app/inference-bench.mjs \
  --model "$MODEL" --model-process "$RT/app/model-process.mjs" \
  --threads 4 --runs 9 --pairs 9 --reopen-runs 3 --gpu-memory \
  --out "$OUT/inference-gpu.json") 2>&1 | tee "$OUT/bench-log.txt"
bench_rc=${PIPESTATUS[0]}
BENCH_S=$(($(date +%s) - bench_started))
if [[ $bench_rc -ne 0 ]]; then
  STATUS="benchmark failed or ran out of time (rc $bench_rc after $BENCH_S s; bench-log.txt)"
else
  STATUS=ok
fi
finish
