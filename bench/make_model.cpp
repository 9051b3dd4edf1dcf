// SPDX-FileCopyrightText: 2026 The headroom authors
// SPDX-License-Identifier: Apache-2.0
// make_model DIR CONFIG SHARDS LAYERS HIDDEN HEADS KV_HEADS HEAD_DIM FFN VOCAB [DTYPE]: writes a
// synthetic Hugging Face model directory (the committed config.json, real safetensors headers
// over sparse data) for bench/plan and the README's worked example.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "plan/model_writer.h"

int main(int argc, char** argv) {
  if (argc < 11) {
    std::fprintf(stderr,
                 "usage: make_model DIR CONFIG SHARDS LAYERS HIDDEN HEADS KV_HEADS HEAD_DIM FFN "
                 "VOCAB [DTYPE]\n");
    return 2;
  }
  auto n = [&](int i) { return std::strtoull(argv[i], nullptr, 10); };
  const auto tensors = headroom::test::dense_tensors(n(4), n(5), n(6), n(7), n(8), n(9), n(10),
                                                     argc > 11 ? argv[11] : "BF16");
  headroom::test::write_hf_model(argv[1], argv[2], tensors, static_cast<int>(n(3)));
  return 0;
}
