{
  "targets": [
    {
      "target_name": "berth_addon",
      "sources": [ "<!@(node -p \"require('fs').readdirSync('native/addon').filter(f=>f.endsWith('.cc')).sort().map(f=>'native/addon/'+f).join(' ')\")" ],
      "include_dirs": [ "<!(node -p \"require('node-addon-api').include_dir\")", "native" ],
      "defines": [ "NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS", "_GNU_SOURCE" ],
      "cflags!": [ "-fno-exceptions" ],
      "cflags_cc!": [ "-fno-exceptions" ],
      "cflags_cc": [ "-std=c++17", "-Wall", "-Wextra", "-Wno-unused-parameter" ]
    }
  ]
}
