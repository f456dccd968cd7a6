{
  "targets": [
    {
      "target_name": "nutmeg_native",
      "sources": [
        "native/src/addon.cpp",
        "native/src/engine.cpp",
        "native/src/model.cpp",
        "native/src/families_host.cpp",
        "native/src/psis.cpp",
        "native/src/thread_pool.cpp",
        "native/src/kernel_select.cpp",
        "native/src/kernel_baseline.cpp"
      ],
      "dependencies": ["nutmeg_kernel_avx2", "nutmeg_kernel_avx512"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS", "NODE_ADDON_API_DISABLE_DEPRECATED"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions", "-std=gnu++14", "-std=gnu++17"],
      "cflags_cc": ["-std=c++17", "-O3", "-fopenmp-simd", "-fno-math-errno", "-fno-trapping-math", "-fvisibility=hidden"],
      "xcode_settings": {
        "GCC_ENABLE_CPP_EXCEPTIONS": "YES",
        "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
        "OTHER_CPLUSPLUSFLAGS": ["-O3", "-fopenmp-simd", "-fno-math-errno", "-fno-trapping-math"]
      },
      "msvs_settings": { "VCCLCompilerTool": { "ExceptionHandling": 1 } }
    },
    {
      "target_name": "nutmeg_kernel_avx2",
      "type": "static_library",
      "sources": ["native/src/kernel_avx2.cpp"],
      "cflags_cc!": ["-std=gnu++14", "-std=gnu++17"],
      "cflags_cc": ["-std=c++17", "-O3", "-fopenmp-simd", "-fno-math-errno", "-fno-trapping-math", "-fvisibility=hidden", "-fPIC"],
      "conditions": [
        ["target_arch=='x64' and OS!='win'", { "cflags_cc": ["-mavx2", "-mfma"] }]
      ],
      "xcode_settings": { "OTHER_CPLUSPLUSFLAGS": ["-O3", "-fopenmp-simd"] }
    },
    {
      "target_name": "nutmeg_kernel_avx512",
      "type": "static_library",
      "sources": ["native/src/kernel_avx512.cpp"],
      "cflags_cc!": ["-std=gnu++14", "-std=gnu++17"],
      "cflags_cc": ["-std=c++17", "-O3", "-fopenmp-simd", "-fno-math-errno", "-fno-trapping-math", "-fvisibility=hidden", "-fPIC"],
      "conditions": [
        ["target_arch=='x64' and OS!='win'", {
          "cflags_cc": ["-mavx2", "-mfma", "-mavx512f", "-mavx512dq", "-mavx512vl", "-mprefer-vector-width=512"]
        }]
      ],
      "xcode_settings": { "OTHER_CPLUSPLUSFLAGS": ["-O3", "-fopenmp-simd"] }
    }
  ]
}
