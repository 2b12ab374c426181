
#ifdef __CUDACC_RTC__
  #include <cuda/std/cstdint>
  using cuda::std::uint8_t;
  using cuda::std::uint16_t;
  using cuda::std::uint32_t;
  using cuda::std::uint64_t;
  using cuda::std::int8_t;
  using cuda::std::int16_t;
  using cuda::std::int32_t;
  using cuda::std::int64_t;

  #include <cuda/std/type_traits>
  namespace std {
    using cuda::std::is_same;
    using cuda::std::is_same_v;
    using cuda::std::is_integral;
    using cuda::std::is_signed;
    using cuda::std::is_unsigned;
    using cuda::std::is_floating_point;
    using cuda::std::enable_if;
    using cuda::std::conditional;
  }

  // NVRTC uses asm/volatile instead of __asm__/__volatile__ (gcc extension).
  #ifndef __asm__
  #define __asm__ asm
  #endif
  #ifndef __volatile__
  #define __volatile__ volatile
  #endif
#else
  #include <cstdint>
  #include <type_traits>
  #include <cuda.h>
#endif

#if (((__CUDACC_VER_MAJOR__ == 11) && (__CUDACC_VER_MINOR__ >= 4)) || \
     (__CUDACC_VER_MAJOR__ > 11))
#define TVM_ENABLE_L2_PREFETCH 1
#else
#define TVM_ENABLE_L2_PREFETCH 0
#endif

#ifdef _WIN32
  using uint = unsigned int;
  using uchar = unsigned char;
  using ushort = unsigned short;
  using int64_t = long long;
  using uint64_t = unsigned long long;
#else
  #define uint unsigned int
  #define uchar unsigned char
  #define ushort unsigned short
#endif
extern "C" __global__ void __launch_bounds__(128) main_kernel(float* __restrict__ spectral_ptr, float* __restrict__ wd_ptr, float* __restrict__ ws_ptr, float* __restrict__ x_ptr);
extern "C" __global__ void __launch_bounds__(128) main_kernel(float* __restrict__ spectral_ptr, float* __restrict__ wd_ptr, float* __restrict__ ws_ptr, float* __restrict__ x_ptr) {
  __shared__ alignas(64) float spatial_pad_shared_ptr[3564];
  __shared__ alignas(64) float spectral_pad_shared_ptr[2560];
  alignas(64) float spatial_local_ptr[1];
  alignas(64) float wd_local_ptr[7];
  alignas(64) float spectral_local_ptr[8];
  int cse_v1 = (((int)threadIdx.x) / 18);
  int cse_v2 = (((int)threadIdx.x) % 18);
  int cse_v3 = (((int)blockIdx.x) >> 4);
  int cse_v9 = ((((int)blockIdx.x) & 15) >> 2);
  int cse_v10 = ((((int)blockIdx.x) & 3) * 16);
  int cse_v11 = ((((int)blockIdx.x) >> 4) * 16384);
  int cse_v30 = (((((int)blockIdx.x) & 15) >> 2) * 16);
  int cse_v31 = (((((int)blockIdx.x) & 3) * 16) + (((int)threadIdx.x) % 18));
  int cse_v32 = (((((int)blockIdx.x) & 15) >> 2) * 1024);
  int cse_v44 = ((((((int)blockIdx.x) & 15) >> 2) * 16) + (((int)threadIdx.x) / 18));
  int cse_v45 = (((((int)blockIdx.x) >> 4) * 16384) + (((((int)blockIdx.x) & 15) >> 2) * 1024));
  int cse_v83 = ((((((((int)blockIdx.x) >> 4) * 16384) + (((((int)blockIdx.x) & 15) >> 2) * 1024)) + ((((int)threadIdx.x) / 18) * 64)) + ((((int)blockIdx.x) & 3) * 16)) + (((int)threadIdx.x) % 18));
  if (15 < ((int)blockIdx.x)) {
    float condval;
    if (((1 <= ((((((int)blockIdx.x) & 15) >> 2) * 16) + (((int)threadIdx.x) / 18))) && (1 <= (((((int)blockIdx.x) & 3) * 16) + (((int)threadIdx.x) % 18)))) && ((((((int)blockIdx.x) & 3) * 16) + (((int)threadIdx.x) % 18)) < 65)) {
      condval = x_ptr[(((((((((int)blockIdx.x) >> 4) * 16384) + (((((int)blockIdx.x) & 15) >> 2) * 1024)) + ((((int)threadIdx.x) / 18) * 64)) + ((((int)blockIdx.x) & 3) * 16)) + (((int)threadIdx.x) % 18)) - 12353)];
    } else {
      condval = 0x0p+0f/*0.000000e+00*/;
    }
    spatial_pad_shared_ptr[((int)threadIdx.x)] = condval;
  }
  int cse_v12 = ((((int)threadIdx.x) + 2) % 18);
  int cse_v33 = (((((int)blockIdx.x) & 3) * 16) + ((((int)threadIdx.x) + 2) % 18));
  if (15 < ((int)blockIdx.x)) {
    int cse_v4 = (((int)threadIdx.x) + 128);
    float condval_1;
    if ((1 <= (((((int)blockIdx.x) & 3) * 16) + ((((int)threadIdx.x) + 2) % 18))) && ((((((int)blockIdx.x) & 3) * 16) + ((((int)threadIdx.x) + 2) % 18)) < 65)) {
      condval_1 = x_ptr[(((((((((int)blockIdx.x) >> 4) * 16384) + (((((int)blockIdx.x) & 15) >> 2) * 1024)) + (((((int)threadIdx.x) + 128) / 18) * 64)) + ((((int)blockIdx.x) & 3) * 16)) + ((((int)threadIdx.x) + 2) % 18)) - 12353)];
    } else {
      condval_1 = 0x0p+0f/*0.000000e+00*/;
    }
    spatial_pad_shared_ptr[(((int)threadIdx.x) + 128)] = condval_1;
  }
  int cse_v5 = (((int)threadIdx.x) >> 1);
  int cse_v13 = ((((int)blockIdx.x) >> 4) * 4);
  int cse_v14 = ((((int)threadIdx.x) + 256) / 324);
  int cse_v15 = ((((int)threadIdx.x) + 4) % 18);
  int cse_v16 = ((((int)blockIdx.x) >> 4) * 1296);
  int cse_v34 = (((((int)blockIdx.x) & 3) * 16) + ((((int)threadIdx.x) + 4) % 18));
  int cse_v35 = (((((int)blockIdx.x) >> 4) * 1296) + ((int)threadIdx.x));
  int cse_v72 = (max(0, (((((int)blockIdx.x) >> 4) * 4) - 3)) * 324);
  int cse_v82 = ((((((int)blockIdx.x) >> 4) * 1296) + ((int)threadIdx.x)) - (max(0, (((((int)blockIdx.x) >> 4) * 4) - 3)) * 324));
  if (3 <= (((((int)blockIdx.x) >> 4) * 4) + ((((int)threadIdx.x) + 256) / 324))) {
    int cse_v46 = ((((((int)threadIdx.x) >> 1) + 128) % 162) / 9);
    int cse_v71 = ((((((int)blockIdx.x) & 15) >> 2) * 16) + ((((((int)threadIdx.x) >> 1) + 128) % 162) / 9));
    float condval_2;
    if ((((1 <= ((((((int)blockIdx.x) & 15) >> 2) * 16) + ((((((int)threadIdx.x) >> 1) + 128) % 162) / 9))) && (((((((int)blockIdx.x) & 15) >> 2) * 16) + ((((((int)threadIdx.x) >> 1) + 128) % 162) / 9)) < 65)) && (1 <= (((((int)blockIdx.x) & 3) * 16) + ((((int)threadIdx.x) + 4) % 18)))) && ((((((int)blockIdx.x) & 3) * 16) + ((((int)threadIdx.x) + 4) % 18)) < 65)) {
      condval_2 = x_ptr[((((((((((int)blockIdx.x) >> 4) * 16384) + (((((int)threadIdx.x) + 256) / 324) * 4096)) + (((((int)blockIdx.x) & 15) >> 2) * 1024)) + (((((((int)threadIdx.x) >> 1) + 128) % 162) / 9) * 64)) + ((((int)blockIdx.x) & 3) * 16)) + ((((int)threadIdx.x) + 4) % 18)) - 12353)];
    } else {
      condval_2 = 0x0p+0f/*0.000000e+00*/;
    }
    spatial_pad_shared_ptr[(((((((int)blockIdx.x) >> 4) * 1296) + ((int)threadIdx.x)) - (max(0, (((((int)blockIdx.x) >> 4) * 4) - 3)) * 324)) - 716)] = condval_2;
  }
  int cse_v17 = ((((int)threadIdx.x) + 6) % 18);
  int cse_v36 = (((((int)blockIdx.x) & 3) * 16) + ((((int)threadIdx.x) + 6) % 18));
  if (15 < ((int)blockIdx.x)) {
    float condval_3;
    if ((1 <= (((((int)blockIdx.x) & 3) * 16) + ((((int)threadIdx.x) + 6) % 18))) && ((((((int)blockIdx.x) & 3) * 16) + ((((int)threadIdx.x) + 6) % 18)) < 65)) {
      condval_3 = x_ptr[(((((((((int)blockIdx.x) >> 4) * 16384) + (((((int)blockIdx.x) & 15) >> 2) * 1024)) + (((((int)threadIdx.x) + 60) / 18) * 64)) + ((((int)blockIdx.x) & 3) * 16)) + ((((int)threadIdx.x) + 6) % 18)) - 8257)];
    } else {
      condval_3 = 0x0p+0f/*0.000000e+00*/;
    }
    spatial_pad_shared_ptr[(((int)threadIdx.x) + 384)] = condval_3;
  }
  int cse_v19 = ((((int)threadIdx.x) + 8) % 18);
  int cse_v37 = (((((int)blockIdx.x) & 3) * 16) + ((((int)threadIdx.x) + 8) % 18));
  if (15 < ((int)blockIdx.x)) {
    int cse_v18 = ((((int)threadIdx.x) + 188) / 18);
    float condval_4;
    if (((((((((int)blockIdx.x) & 15) >> 2) * 16) + ((((int)threadIdx.x) + 188) / 18)) < 65) && (1 <= (((((int)blockIdx.x) & 3) * 16) + ((((int)threadIdx.x) + 8) % 18)))) && ((((((int)blockIdx.x) & 3) * 16) + ((((int)threadIdx.x) + 8) % 18)) < 65)) {
      condval_4 = x_ptr[(((((((((int)blockIdx.x) >> 4) * 16384) + (((((int)blockIdx.x) & 15) >> 2) * 1024)) + (((((int)threadIdx.x) + 188) / 18) * 64)) + ((((int)blockIdx.x) & 3) * 16)) + ((((int)threadIdx.x) + 8) % 18)) - 8257)];
    } else {
      condval_4 = 0x0p+0f/*0.000000e+00*/;
    }
    spatial_pad_shared_ptr[(((int)threadIdx.x) + 512)] = condval_4;
  }
  int cse_v20 = ((((int)threadIdx.x) + 640) / 324);
  int cse_v21 = ((((int)threadIdx.x) + 10) % 18);
  int cse_v38 = (((((int)blockIdx.x) & 3) * 16) + ((((int)threadIdx.x) + 10) % 18));
  if (3 <= (((((int)blockIdx.x) >> 4) * 4) + ((((int)threadIdx.x) + 640) / 324))) {
    int cse_v47 = ((((((int)threadIdx.x) >> 1) + 158) % 162) / 9);
    int cse_v73 = ((((((int)blockIdx.x) & 15) >> 2) * 16) + ((((((int)threadIdx.x) >> 1) + 158) % 162) / 9));
    float condval_5;
    if ((((1 <= ((((((int)blockIdx.x) & 15) >> 2) * 16) + ((((((int)threadIdx.x) >> 1) + 158) % 162) / 9))) && (((((((int)blockIdx.x) & 15) >> 2) * 16) + ((((((int)threadIdx.x) >> 1) + 158) % 162) / 9)) < 65)) && (1 <= (((((int)blockIdx.x) & 3) * 16) + ((((int)threadIdx.x) + 10) % 18)))) && ((((((int)blockIdx.x) & 3) * 16) + ((((int)threadIdx.x) + 10) % 18)) < 65)) {
      condval_5 = x_ptr[((((((((((int)blockIdx.x) >> 4) * 16384) + (((((int)threadIdx.x) + 640) / 324) * 4096)) + (((((int)blockIdx.x) & 15) >> 2) * 1024)) + (((((((int)threadIdx.x) >> 1) + 158) % 162) / 9) * 64)) + ((((int)blockIdx.x) & 3) * 16)) + ((((int)threadIdx.x) + 10) % 18)) - 12353)];
    } else {
      condval_5 = 0x0p+0f/*0.000000e+00*/;
    }
    spatial_pad_shared_ptr[(((((((int)blockIdx.x) >> 4) * 1296) + ((int)threadIdx.x)) - (max(0, (((((int)blockIdx.x) >> 4) * 4) - 3)) * 324)) - 332)] = condval_5;
  }
  int cse_v22 = ((((int)threadIdx.x) + 12) % 18);
  int cse_v39 = (((((int)blockIdx.x) & 3) * 16) + ((((int)threadIdx.x) + 12) % 18));
  if (15 < ((int)blockIdx.x)) {
    float condval_6;
    if ((1 <= (((((int)blockIdx.x) & 3) * 16) + ((((int)threadIdx.x) + 12) % 18))) && ((((((int)blockIdx.x) & 3) * 16) + ((((int)threadIdx.x) + 12) % 18)) < 65)) {
      condval_6 = x_ptr[(((((((((int)blockIdx.x) >> 4) * 16384) + (((((int)blockIdx.x) & 15) >> 2) * 1024)) + (((((int)threadIdx.x) + 120) / 18) * 64)) + ((((int)blockIdx.x) & 3) * 16)) + ((((int)threadIdx.x) + 12) % 18)) - 4161)];
    } else {
      condval_6 = 0x0p+0f/*0.000000e+00*/;
    }
    spatial_pad_shared_ptr[(((int)threadIdx.x) + 768)] = condval_6;
  }
  int cse_v23 = ((((int)threadIdx.x) + 896) / 324);
  int cse_v24 = ((((int)threadIdx.x) + 14) % 18);
  int cse_v40 = (((((int)blockIdx.x) & 3) * 16) + ((((int)threadIdx.x) + 14) % 18));
  if (3 <= (((((int)blockIdx.x) >> 4) * 4) + ((((int)threadIdx.x) + 896) / 324))) {
    int cse_v48 = ((((((int)threadIdx.x) >> 1) + 124) % 162) / 9);
    int cse_v74 = ((((((int)blockIdx.x) & 15) >> 2) * 16) + ((((((int)threadIdx.x) >> 1) + 124) % 162) / 9));
    float condval_7;
    if ((((1 <= ((((((int)blockIdx.x) & 15) >> 2) * 16) + ((((((int)threadIdx.x) >> 1) + 124) % 162) / 9))) && (((((((int)blockIdx.x) & 15) >> 2) * 16) + ((((((int)threadIdx.x) >> 1) + 124) % 162) / 9)) < 65)) && (1 <= (((((int)blockIdx.x) & 3) * 16) + ((((int)threadIdx.x) + 14) % 18)))) && ((((((int)blockIdx.x) & 3) * 16) + ((((int)threadIdx.x) + 14) % 18)) < 65)) {
      condval_7 = x_ptr[((((((((((int)blockIdx.x) >> 4) * 16384) + (((((int)threadIdx.x) + 896) / 324) * 4096)) + (((((int)blockIdx.x) & 15) >> 2) * 1024)) + (((((((int)threadIdx.x) >> 1) + 124) % 162) / 9) * 64)) + ((((int)blockIdx.x) & 3) * 16)) + ((((int)threadIdx.x) + 14) % 18)) - 12353)];
    } else {
      condval_7 = 0x0p+0f/*0.000000e+00*/;
    }
    spatial_pad_shared_ptr[(((((((int)blockIdx.x) >> 4) * 1296) + ((int)threadIdx.x)) - (max(0, (((((int)blockIdx.x) >> 4) * 4) - 3)) * 324)) - 76)] = condval_7;
  }
  int cse_v25 = ((((int)threadIdx.x) + 16) % 18);
  int cse_v41 = (((((int)blockIdx.x) & 3) * 16) + ((((int)threadIdx.x) + 16) % 18));
  float condval_8;
  if ((1 <= (((((int)blockIdx.x) & 3) * 16) + ((((int)threadIdx.x) + 16) % 18))) && ((((((int)blockIdx.x) & 3) * 16) + ((((int)threadIdx.x) + 16) % 18)) < 65)) {
    condval_8 = x_ptr[(((((((((int)blockIdx.x) >> 4) * 16384) + (((((int)blockIdx.x) & 15) >> 2) * 1024)) + (((((int)threadIdx.x) + 52) / 18) * 64)) + ((((int)blockIdx.x) & 3) * 16)) + ((((int)threadIdx.x) + 16) % 18)) - 65)];
  } else {
    condval_8 = 0x0p+0f/*0.000000e+00*/;
  }
  spatial_pad_shared_ptr[(((((((int)blockIdx.x) >> 4) * 1296) + ((int)threadIdx.x)) + 52) - (max(0, (((((int)blockIdx.x) >> 4) * 4) - 3)) * 324))] = condval_8;
  float condval_9;
  if (((((((((int)blockIdx.x) & 15) >> 2) * 16) + (((int)threadIdx.x) / 18)) < 55) && (1 <= (((((int)blockIdx.x) & 3) * 16) + (((int)threadIdx.x) % 18)))) && ((((((int)blockIdx.x) & 3) * 16) + (((int)threadIdx.x) % 18)) < 65)) {
    condval_9 = x_ptr[(((((((((int)blockIdx.x) >> 4) * 16384) + (((((int)blockIdx.x) & 15) >> 2) * 1024)) + ((((int)threadIdx.x) / 18) * 64)) + ((((int)blockIdx.x) & 3) * 16)) + (((int)threadIdx.x) % 18)) + 575)];
  } else {
    condval_9 = 0x0p+0f/*0.000000e+00*/;
  }
  spatial_pad_shared_ptr[(((((((int)blockIdx.x) >> 4) * 1296) + ((int)threadIdx.x)) + 180) - (max(0, (((((int)blockIdx.x) >> 4) * 4) - 3)) * 324))] = condval_9;
  int cse_v49 = ((((((int)threadIdx.x) >> 1) + 154) % 162) / 9);
  int cse_v75 = ((((((int)blockIdx.x) & 15) >> 2) * 16) + ((((((int)threadIdx.x) >> 1) + 154) % 162) / 9));
  float condval_10;
  if ((((1 <= ((((((int)blockIdx.x) & 15) >> 2) * 16) + ((((((int)threadIdx.x) >> 1) + 154) % 162) / 9))) && (((((((int)blockIdx.x) & 15) >> 2) * 16) + ((((((int)threadIdx.x) >> 1) + 154) % 162) / 9)) < 65)) && (1 <= (((((int)blockIdx.x) & 3) * 16) + ((((int)threadIdx.x) + 2) % 18)))) && ((((((int)blockIdx.x) & 3) * 16) + ((((int)threadIdx.x) + 2) % 18)) < 65)) {
    condval_10 = x_ptr[((((((((((int)blockIdx.x) >> 4) * 16384) + (((((int)threadIdx.x) + 1280) / 324) * 4096)) + (((((int)blockIdx.x) & 15) >> 2) * 1024)) + (((((((int)threadIdx.x) >> 1) + 154) % 162) / 9) * 64)) + ((((int)blockIdx.x) & 3) * 16)) + ((((int)threadIdx.x) + 2) % 18)) - 12353)];
  } else {
    condval_10 = 0x0p+0f/*0.000000e+00*/;
  }
  spatial_pad_shared_ptr[(((((((int)blockIdx.x) >> 4) * 1296) + ((int)threadIdx.x)) + 308) - (max(0, (((((int)blockIdx.x) >> 4) * 4) - 3)) * 324))] = condval_10;
  float condval_11;
  if ((1 <= (((((int)blockIdx.x) & 3) * 16) + ((((int)threadIdx.x) + 4) % 18))) && ((((((int)blockIdx.x) & 3) * 16) + ((((int)threadIdx.x) + 4) % 18)) < 65)) {
    condval_11 = x_ptr[(((((((((int)blockIdx.x) >> 4) * 16384) + (((((int)blockIdx.x) & 15) >> 2) * 1024)) + (((((int)threadIdx.x) + 112) / 18) * 64)) + ((((int)blockIdx.x) & 3) * 16)) + ((((int)threadIdx.x) + 4) % 18)) + 4031)];
  } else {
    condval_11 = 0x0p+0f/*0.000000e+00*/;
  }
  spatial_pad_shared_ptr[(((((((int)blockIdx.x) >> 4) * 1296) + ((int)threadIdx.x)) + 436) - (max(0, (((((int)blockIdx.x) >> 4) * 4) - 3)) * 324))] = condval_11;
  int cse_v50 = ((((((int)threadIdx.x) >> 1) + 120) % 162) / 9);
  int cse_v76 = ((((((int)blockIdx.x) & 15) >> 2) * 16) + ((((((int)threadIdx.x) >> 1) + 120) % 162) / 9));
  float condval_12;
  if ((((1 <= ((((((int)blockIdx.x) & 15) >> 2) * 16) + ((((((int)threadIdx.x) >> 1) + 120) % 162) / 9))) && (((((((int)blockIdx.x) & 15) >> 2) * 16) + ((((((int)threadIdx.x) >> 1) + 120) % 162) / 9)) < 65)) && (1 <= (((((int)blockIdx.x) & 3) * 16) + ((((int)threadIdx.x) + 6) % 18)))) && ((((((int)blockIdx.x) & 3) * 16) + ((((int)threadIdx.x) + 6) % 18)) < 65)) {
    condval_12 = x_ptr[((((((((((int)blockIdx.x) >> 4) * 16384) + (((((int)threadIdx.x) + 1536) / 324) * 4096)) + (((((int)blockIdx.x) & 15) >> 2) * 1024)) + (((((((int)threadIdx.x) >> 1) + 120) % 162) / 9) * 64)) + ((((int)blockIdx.x) & 3) * 16)) + ((((int)threadIdx.x) + 6) % 18)) - 12353)];
  } else {
    condval_12 = 0x0p+0f/*0.000000e+00*/;
  }
  spatial_pad_shared_ptr[(((((((int)blockIdx.x) >> 4) * 1296) + ((int)threadIdx.x)) + 564) - (max(0, (((((int)blockIdx.x) >> 4) * 4) - 3)) * 324))] = condval_12;
  float condval_13;
  if ((1 <= (((((int)blockIdx.x) & 3) * 16) + ((((int)threadIdx.x) + 8) % 18))) && ((((((int)blockIdx.x) & 3) * 16) + ((((int)threadIdx.x) + 8) % 18)) < 65)) {
    condval_13 = x_ptr[(((((((((int)blockIdx.x) >> 4) * 16384) + (((((int)blockIdx.x) & 15) >> 2) * 1024)) + (((((int)threadIdx.x) + 44) / 18) * 64)) + ((((int)blockIdx.x) & 3) * 16)) + ((((int)threadIdx.x) + 8) % 18)) + 8127)];
  } else {
    condval_13 = 0x0p+0f/*0.000000e+00*/;
  }
  spatial_pad_shared_ptr[(((((((int)blockIdx.x) >> 4) * 1296) + ((int)threadIdx.x)) + 692) - (max(0, (((((int)blockIdx.x) >> 4) * 4) - 3)) * 324))] = condval_13;
  float condval_14;
  if ((1 <= (((((int)blockIdx.x) & 3) * 16) + ((((int)threadIdx.x) + 10) % 18))) && ((((((int)blockIdx.x) & 3) * 16) + ((((int)threadIdx.x) + 10) % 18)) < 65)) {
    condval_14 = x_ptr[(((((((((int)blockIdx.x) >> 4) * 16384) + (((((int)blockIdx.x) & 15) >> 2) * 1024)) + (((((int)threadIdx.x) + 172) / 18) * 64)) + ((((int)blockIdx.x) & 3) * 16)) + ((((int)threadIdx.x) + 10) % 18)) + 8127)];
  } else {
    condval_14 = 0x0p+0f/*0.000000e+00*/;
  }
  spatial_pad_shared_ptr[(((((((int)blockIdx.x) >> 4) * 1296) + ((int)threadIdx.x)) + 820) - (max(0, (((((int)blockIdx.x) >> 4) * 4) - 3)) * 324))] = condval_14;
  int cse_v51 = ((((((int)threadIdx.x) >> 1) + 150) % 162) / 9);
  int cse_v77 = ((((((int)blockIdx.x) & 15) >> 2) * 16) + ((((((int)threadIdx.x) >> 1) + 150) % 162) / 9));
  float condval_15;
  if ((((1 <= ((((((int)blockIdx.x) & 15) >> 2) * 16) + ((((((int)threadIdx.x) >> 1) + 150) % 162) / 9))) && (((((((int)blockIdx.x) & 15) >> 2) * 16) + ((((((int)threadIdx.x) >> 1) + 150) % 162) / 9)) < 65)) && (1 <= (((((int)blockIdx.x) & 3) * 16) + ((((int)threadIdx.x) + 12) % 18)))) && ((((((int)blockIdx.x) & 3) * 16) + ((((int)threadIdx.x) + 12) % 18)) < 65)) {
    condval_15 = x_ptr[((((((((((int)blockIdx.x) >> 4) * 16384) + (((((int)threadIdx.x) + 1920) / 324) * 4096)) + (((((int)blockIdx.x) & 15) >> 2) * 1024)) + (((((((int)threadIdx.x) >> 1) + 150) % 162) / 9) * 64)) + ((((int)blockIdx.x) & 3) * 16)) + ((((int)threadIdx.x) + 12) % 18)) - 12353)];
  } else {
    condval_15 = 0x0p+0f/*0.000000e+00*/;
  }
  spatial_pad_shared_ptr[(((((((int)blockIdx.x) >> 4) * 1296) + ((int)threadIdx.x)) + 948) - (max(0, (((((int)blockIdx.x) >> 4) * 4) - 3)) * 324))] = condval_15;
  float condval_16;
  if ((1 <= (((((int)blockIdx.x) & 3) * 16) + ((((int)threadIdx.x) + 14) % 18))) && ((((((int)blockIdx.x) & 3) * 16) + ((((int)threadIdx.x) + 14) % 18)) < 65)) {
    condval_16 = x_ptr[(((((((((int)blockIdx.x) >> 4) * 16384) + (((((int)blockIdx.x) & 15) >> 2) * 1024)) + (((((int)threadIdx.x) + 104) / 18) * 64)) + ((((int)blockIdx.x) & 3) * 16)) + ((((int)threadIdx.x) + 14) % 18)) + 12223)];
  } else {
    condval_16 = 0x0p+0f/*0.000000e+00*/;
  }
  spatial_pad_shared_ptr[(((((((int)blockIdx.x) >> 4) * 1296) + ((int)threadIdx.x)) + 1076) - (max(0, (((((int)blockIdx.x) >> 4) * 4) - 3)) * 324))] = condval_16;
  int cse_v26 = ((((int)threadIdx.x) + 2176) / 324);
  if ((((((int)blockIdx.x) >> 4) * 4) + ((((int)threadIdx.x) + 2176) / 324)) < 103) {
    int cse_v52 = ((((((int)threadIdx.x) >> 1) + 116) % 162) / 9);
    int cse_v78 = ((((((int)blockIdx.x) & 15) >> 2) * 16) + ((((((int)threadIdx.x) >> 1) + 116) % 162) / 9));
    float condval_17;
    if ((((1 <= ((((((int)blockIdx.x) & 15) >> 2) * 16) + ((((((int)threadIdx.x) >> 1) + 116) % 162) / 9))) && (((((((int)blockIdx.x) & 15) >> 2) * 16) + ((((((int)threadIdx.x) >> 1) + 116) % 162) / 9)) < 65)) && (1 <= (((((int)blockIdx.x) & 3) * 16) + ((((int)threadIdx.x) + 16) % 18)))) && ((((((int)blockIdx.x) & 3) * 16) + ((((int)threadIdx.x) + 16) % 18)) < 65)) {
      condval_17 = x_ptr[((((((((((int)blockIdx.x) >> 4) * 16384) + (((((int)threadIdx.x) + 2176) / 324) * 4096)) + (((((int)blockIdx.x) & 15) >> 2) * 1024)) + (((((((int)threadIdx.x) >> 1) + 116) % 162) / 9) * 64)) + ((((int)blockIdx.x) & 3) * 16)) + ((((int)threadIdx.x) + 16) % 18)) - 12353)];
    } else {
      condval_17 = 0x0p+0f/*0.000000e+00*/;
    }
    spatial_pad_shared_ptr[(((((((int)blockIdx.x) >> 4) * 1296) + ((int)threadIdx.x)) + 1204) - (max(0, (((((int)blockIdx.x) >> 4) * 4) - 3)) * 324))] = condval_17;
  }
  if (((int)blockIdx.x) < 384) {
    float condval_18;
    if ((1 <= (((((int)blockIdx.x) & 3) * 16) + (((int)threadIdx.x) % 18))) && ((((((int)blockIdx.x) & 3) * 16) + (((int)threadIdx.x) % 18)) < 65)) {
      condval_18 = x_ptr[(((((((((int)blockIdx.x) >> 4) * 16384) + (((((int)blockIdx.x) & 15) >> 2) * 1024)) + ((((int)threadIdx.x) / 18) * 64)) + ((((int)blockIdx.x) & 3) * 16)) + (((int)threadIdx.x) % 18)) + 16447)];
    } else {
      condval_18 = 0x0p+0f/*0.000000e+00*/;
    }
    spatial_pad_shared_ptr[(((((((int)blockIdx.x) >> 4) * 1296) + ((int)threadIdx.x)) + 1332) - (max(0, (((((int)blockIdx.x) >> 4) * 4) - 3)) * 324))] = condval_18;
  }
  if (((int)blockIdx.x) < 384) {
    float condval_19;
    if ((1 <= (((((int)blockIdx.x) & 3) * 16) + ((((int)threadIdx.x) + 2) % 18))) && ((((((int)blockIdx.x) & 3) * 16) + ((((int)threadIdx.x) + 2) % 18)) < 65)) {
      condval_19 = x_ptr[(((((((((int)blockIdx.x) >> 4) * 16384) + (((((int)blockIdx.x) & 15) >> 2) * 1024)) + (((((int)threadIdx.x) + 164) / 18) * 64)) + ((((int)blockIdx.x) & 3) * 16)) + ((((int)threadIdx.x) + 2) % 18)) + 16319)];
    } else {
      condval_19 = 0x0p+0f/*0.000000e+00*/;
    }
    spatial_pad_shared_ptr[(((((((int)blockIdx.x) >> 4) * 1296) + ((int)threadIdx.x)) + 1460) - (max(0, (((((int)blockIdx.x) >> 4) * 4) - 3)) * 324))] = condval_19;
  }
  int cse_v27 = ((((int)threadIdx.x) + 2560) / 324);
  if ((((((int)blockIdx.x) >> 4) * 4) + ((((int)threadIdx.x) + 2560) / 324)) < 103) {
    int cse_v53 = ((((((int)threadIdx.x) >> 1) + 146) % 162) / 9);
    int cse_v79 = ((((((int)blockIdx.x) & 15) >> 2) * 16) + ((((((int)threadIdx.x) >> 1) + 146) % 162) / 9));
    float condval_20;
    if ((((1 <= ((((((int)blockIdx.x) & 15) >> 2) * 16) + ((((((int)threadIdx.x) >> 1) + 146) % 162) / 9))) && (((((((int)blockIdx.x) & 15) >> 2) * 16) + ((((((int)threadIdx.x) >> 1) + 146) % 162) / 9)) < 65)) && (1 <= (((((int)blockIdx.x) & 3) * 16) + ((((int)threadIdx.x) + 4) % 18)))) && ((((((int)blockIdx.x) & 3) * 16) + ((((int)threadIdx.x) + 4) % 18)) < 65)) {
      condval_20 = x_ptr[((((((((((int)blockIdx.x) >> 4) * 16384) + (((((int)threadIdx.x) + 2560) / 324) * 4096)) + (((((int)blockIdx.x) & 15) >> 2) * 1024)) + (((((((int)threadIdx.x) >> 1) + 146) % 162) / 9) * 64)) + ((((int)blockIdx.x) & 3) * 16)) + ((((int)threadIdx.x) + 4) % 18)) - 12353)];
    } else {
      condval_20 = 0x0p+0f/*0.000000e+00*/;
    }
    spatial_pad_shared_ptr[(((((((int)blockIdx.x) >> 4) * 1296) + ((int)threadIdx.x)) + 1588) - (max(0, (((((int)blockIdx.x) >> 4) * 4) - 3)) * 324))] = condval_20;
  }
  if (((int)blockIdx.x) < 384) {
    float condval_21;
    if ((1 <= (((((int)blockIdx.x) & 3) * 16) + ((((int)threadIdx.x) + 6) % 18))) && ((((((int)blockIdx.x) & 3) * 16) + ((((int)threadIdx.x) + 6) % 18)) < 65)) {
      condval_21 = x_ptr[(((((((((int)blockIdx.x) >> 4) * 16384) + (((((int)blockIdx.x) & 15) >> 2) * 1024)) + (((((int)threadIdx.x) + 96) / 18) * 64)) + ((((int)blockIdx.x) & 3) * 16)) + ((((int)threadIdx.x) + 6) % 18)) + 20415)];
    } else {
      condval_21 = 0x0p+0f/*0.000000e+00*/;
    }
    spatial_pad_shared_ptr[(((((((int)blockIdx.x) >> 4) * 1296) + ((int)threadIdx.x)) + 1716) - (max(0, (((((int)blockIdx.x) >> 4) * 4) - 3)) * 324))] = condval_21;
  }
  int cse_v28 = ((((int)threadIdx.x) + 2816) / 324);
  if ((((((int)blockIdx.x) >> 4) * 4) + ((((int)threadIdx.x) + 2816) / 324)) < 103) {
    int cse_v54 = ((((((int)threadIdx.x) >> 1) + 112) % 162) / 9);
    int cse_v80 = ((((((int)blockIdx.x) & 15) >> 2) * 16) + ((((((int)threadIdx.x) >> 1) + 112) % 162) / 9));
    float condval_22;
    if ((((1 <= ((((((int)blockIdx.x) & 15) >> 2) * 16) + ((((((int)threadIdx.x) >> 1) + 112) % 162) / 9))) && (((((((int)blockIdx.x) & 15) >> 2) * 16) + ((((((int)threadIdx.x) >> 1) + 112) % 162) / 9)) < 65)) && (1 <= (((((int)blockIdx.x) & 3) * 16) + ((((int)threadIdx.x) + 8) % 18)))) && ((((((int)blockIdx.x) & 3) * 16) + ((((int)threadIdx.x) + 8) % 18)) < 65)) {
      condval_22 = x_ptr[((((((((((int)blockIdx.x) >> 4) * 16384) + (((((int)threadIdx.x) + 2816) / 324) * 4096)) + (((((int)blockIdx.x) & 15) >> 2) * 1024)) + (((((((int)threadIdx.x) >> 1) + 112) % 162) / 9) * 64)) + ((((int)blockIdx.x) & 3) * 16)) + ((((int)threadIdx.x) + 8) % 18)) - 12353)];
    } else {
      condval_22 = 0x0p+0f/*0.000000e+00*/;
    }
    spatial_pad_shared_ptr[(((((((int)blockIdx.x) >> 4) * 1296) + ((int)threadIdx.x)) + 1844) - (max(0, (((((int)blockIdx.x) >> 4) * 4) - 3)) * 324))] = condval_22;
  }
  if (((int)blockIdx.x) < 384) {
    float condval_23;
    if ((1 <= (((((int)blockIdx.x) & 3) * 16) + ((((int)threadIdx.x) + 10) % 18))) && ((((((int)blockIdx.x) & 3) * 16) + ((((int)threadIdx.x) + 10) % 18)) < 65)) {
      condval_23 = x_ptr[(((((((((int)blockIdx.x) >> 4) * 16384) + (((((int)blockIdx.x) & 15) >> 2) * 1024)) + (((((int)threadIdx.x) + 28) / 18) * 64)) + ((((int)blockIdx.x) & 3) * 16)) + ((((int)threadIdx.x) + 10) % 18)) + 24511)];
    } else {
      condval_23 = 0x0p+0f/*0.000000e+00*/;
    }
    spatial_pad_shared_ptr[(((((((int)blockIdx.x) >> 4) * 1296) + ((int)threadIdx.x)) + 1972) - (max(0, (((((int)blockIdx.x) >> 4) * 4) - 3)) * 324))] = condval_23;
  }
  if (((int)blockIdx.x) < 384) {
    float condval_24;
    if ((1 <= (((((int)blockIdx.x) & 3) * 16) + ((((int)threadIdx.x) + 12) % 18))) && ((((((int)blockIdx.x) & 3) * 16) + ((((int)threadIdx.x) + 12) % 18)) < 65)) {
      condval_24 = x_ptr[(((((((((int)blockIdx.x) >> 4) * 16384) + (((((int)blockIdx.x) & 15) >> 2) * 1024)) + (((((int)threadIdx.x) + 156) / 18) * 64)) + ((((int)blockIdx.x) & 3) * 16)) + ((((int)threadIdx.x) + 12) % 18)) + 24511)];
    } else {
      condval_24 = 0x0p+0f/*0.000000e+00*/;
    }
    spatial_pad_shared_ptr[(((((((int)blockIdx.x) >> 4) * 1296) + ((int)threadIdx.x)) + 2100) - (max(0, (((((int)blockIdx.x) >> 4) * 4) - 3)) * 324))] = condval_24;
  }
  int cse_v81 = (((((int)blockIdx.x) >> 4) * 4) + ((((((int)threadIdx.x) >> 2) + 800) % 810) / 81));
  if (((3 <= (((((int)blockIdx.x) >> 4) * 4) + ((((((int)threadIdx.x) >> 2) + 800) % 810) / 81))) && ((((((int)blockIdx.x) >> 4) * 4) + ((((((int)threadIdx.x) >> 2) + 800) % 810) / 81)) < 103)) && (((int)threadIdx.x) < 40)) {
    int cse_v29 = ((((int)threadIdx.x) + 284) / 18);
    float condval_25;
    if (((((((((int)blockIdx.x) & 15) >> 2) * 16) + ((((int)threadIdx.x) + 284) / 18)) < 65) && (1 <= (((((int)blockIdx.x) & 3) * 16) + ((((int)threadIdx.x) + 14) % 18)))) && ((((((int)blockIdx.x) & 3) * 16) + ((((int)threadIdx.x) + 14) % 18)) < 65)) {
      condval_25 = x_ptr[(((((((((int)blockIdx.x) >> 4) * 16384) + (((((int)blockIdx.x) & 15) >> 2) * 1024)) + (((((int)threadIdx.x) + 284) / 18) * 64)) + ((((int)blockIdx.x) & 3) * 16)) + ((((int)threadIdx.x) + 14) % 18)) + 24511)];
    } else {
      condval_25 = 0x0p+0f/*0.000000e+00*/;
    }
    spatial_pad_shared_ptr[(((((((int)blockIdx.x) >> 4) * 1296) + ((int)threadIdx.x)) + 2228) - (max(0, (((((int)blockIdx.x) >> 4) * 4) - 3)) * 324))] = condval_25;
  }
  int cse_v7 = (((int)threadIdx.x) >> 4);
  int cse_v8 = (((int)threadIdx.x) & 15);
  __syncthreads();
  for (int ax0_ax1_ax2_ax3_ax4_fused_0 = 0; ax0_ax1_ax2_ax3_ax4_fused_0 < 20; ++ax0_ax1_ax2_ax3_ax4_fused_0) {
    int cse_v6 = (ax0_ax1_ax2_ax3_ax4_fused_0 >> 1);
    int cse_v42 = (((((int)blockIdx.x) >> 4) * 4) + (ax0_ax1_ax2_ax3_ax4_fused_0 >> 1));
    if ((3 <= (((((int)blockIdx.x) >> 4) * 4) + (ax0_ax1_ax2_ax3_ax4_fused_0 >> 1))) && ((((((int)blockIdx.x) >> 4) * 4) + (ax0_ax1_ax2_ax3_ax4_fused_0 >> 1)) < 103)) {
      spatial_local_ptr[0] = 0x0p+0f/*0.000000e+00*/;
    }
    if ((3 <= (((((int)blockIdx.x) >> 4) * 4) + (ax0_ax1_ax2_ax3_ax4_fused_0 >> 1))) && ((((((int)blockIdx.x) >> 4) * 4) + (ax0_ax1_ax2_ax3_ax4_fused_0 >> 1)) < 103)) {
      int cse_v84 = (((((((((int)blockIdx.x) >> 4) * 1296) + ((ax0_ax1_ax2_ax3_ax4_fused_0 >> 1) * 324)) + ((ax0_ax1_ax2_ax3_ax4_fused_0 & 1) * 144)) + ((((int)threadIdx.x) >> 4) * 18)) + (((int)threadIdx.x) & 15)) - (max(0, (((((int)blockIdx.x) >> 4) * 4) - 3)) * 324));
      spatial_local_ptr[0] = (spatial_local_ptr[0] + (spatial_pad_shared_ptr[((((((((((int)blockIdx.x) >> 4) * 1296) + ((ax0_ax1_ax2_ax3_ax4_fused_0 >> 1) * 324)) + ((ax0_ax1_ax2_ax3_ax4_fused_0 & 1) * 144)) + ((((int)threadIdx.x) >> 4) * 18)) + (((int)threadIdx.x) & 15)) - (max(0, (((((int)blockIdx.x) >> 4) * 4) - 3)) * 324)) - 972)] * ws_ptr[0]));
      spatial_local_ptr[0] = (spatial_local_ptr[0] + (spatial_pad_shared_ptr[((((((((((int)blockIdx.x) >> 4) * 1296) + ((ax0_ax1_ax2_ax3_ax4_fused_0 >> 1) * 324)) + ((ax0_ax1_ax2_ax3_ax4_fused_0 & 1) * 144)) + ((((int)threadIdx.x) >> 4) * 18)) + (((int)threadIdx.x) & 15)) - (max(0, (((((int)blockIdx.x) >> 4) * 4) - 3)) * 324)) - 971)] * ws_ptr[1]));
      spatial_local_ptr[0] = (spatial_local_ptr[0] + (spatial_pad_shared_ptr[((((((((((int)blockIdx.x) >> 4) * 1296) + ((ax0_ax1_ax2_ax3_ax4_fused_0 >> 1) * 324)) + ((ax0_ax1_ax2_ax3_ax4_fused_0 & 1) * 144)) + ((((int)threadIdx.x) >> 4) * 18)) + (((int)threadIdx.x) & 15)) - (max(0, (((((int)blockIdx.x) >> 4) * 4) - 3)) * 324)) - 970)] * ws_ptr[2]));
      spatial_local_ptr[0] = (spatial_local_ptr[0] + (spatial_pad_shared_ptr[((((((((((int)blockIdx.x) >> 4) * 1296) + ((ax0_ax1_ax2_ax3_ax4_fused_0 >> 1) * 324)) + ((ax0_ax1_ax2_ax3_ax4_fused_0 & 1) * 144)) + ((((int)threadIdx.x) >> 4) * 18)) + (((int)threadIdx.x) & 15)) - (max(0, (((((int)blockIdx.x) >> 4) * 4) - 3)) * 324)) - 954)] * ws_ptr[3]));
      spatial_local_ptr[0] = (spatial_local_ptr[0] + (spatial_pad_shared_ptr[((((((((((int)blockIdx.x) >> 4) * 1296) + ((ax0_ax1_ax2_ax3_ax4_fused_0 >> 1) * 324)) + ((ax0_ax1_ax2_ax3_ax4_fused_0 & 1) * 144)) + ((((int)threadIdx.x) >> 4) * 18)) + (((int)threadIdx.x) & 15)) - (max(0, (((((int)blockIdx.x) >> 4) * 4) - 3)) * 324)) - 953)] * ws_ptr[4]));
      spatial_local_ptr[0] = (spatial_local_ptr[0] + (spatial_pad_shared_ptr[((((((((((int)blockIdx.x) >> 4) * 1296) + ((ax0_ax1_ax2_ax3_ax4_fused_0 >> 1) * 324)) + ((ax0_ax1_ax2_ax3_ax4_fused_0 & 1) * 144)) + ((((int)threadIdx.x) >> 4) * 18)) + (((int)threadIdx.x) & 15)) - (max(0, (((((int)blockIdx.x) >> 4) * 4) - 3)) * 324)) - 952)] * ws_ptr[5]));
      spatial_local_ptr[0] = (spatial_local_ptr[0] + (spatial_pad_shared_ptr[((((((((((int)blockIdx.x) >> 4) * 1296) + ((ax0_ax1_ax2_ax3_ax4_fused_0 >> 1) * 324)) + ((ax0_ax1_ax2_ax3_ax4_fused_0 & 1) * 144)) + ((((int)threadIdx.x) >> 4) * 18)) + (((int)threadIdx.x) & 15)) - (max(0, (((((int)blockIdx.x) >> 4) * 4) - 3)) * 324)) - 936)] * ws_ptr[6]));
      spatial_local_ptr[0] = (spatial_local_ptr[0] + (spatial_pad_shared_ptr[((((((((((int)blockIdx.x) >> 4) * 1296) + ((ax0_ax1_ax2_ax3_ax4_fused_0 >> 1) * 324)) + ((ax0_ax1_ax2_ax3_ax4_fused_0 & 1) * 144)) + ((((int)threadIdx.x) >> 4) * 18)) + (((int)threadIdx.x) & 15)) - (max(0, (((((int)blockIdx.x) >> 4) * 4) - 3)) * 324)) - 935)] * ws_ptr[7]));
      spatial_local_ptr[0] = (spatial_local_ptr[0] + (spatial_pad_shared_ptr[((((((((((int)blockIdx.x) >> 4) * 1296) + ((ax0_ax1_ax2_ax3_ax4_fused_0 >> 1) * 324)) + ((ax0_ax1_ax2_ax3_ax4_fused_0 & 1) * 144)) + ((((int)threadIdx.x) >> 4) * 18)) + (((int)threadIdx.x) & 15)) - (max(0, (((((int)blockIdx.x) >> 4) * 4) - 3)) * 324)) - 934)] * ws_ptr[8]));
    }
    float condval_26;
    if ((3 <= (((((int)blockIdx.x) >> 4) * 4) + (ax0_ax1_ax2_ax3_ax4_fused_0 >> 1))) && ((((((int)blockIdx.x) >> 4) * 4) + (ax0_ax1_ax2_ax3_ax4_fused_0 >> 1)) < 103)) {
      condval_26 = spatial_local_ptr[0];
    } else {
      condval_26 = 0x0p+0f/*0.000000e+00*/;
    }
    spectral_pad_shared_ptr[((ax0_ax1_ax2_ax3_ax4_fused_0 * 128) + ((int)threadIdx.x))] = condval_26;
  }
  wd_local_ptr[0] = wd_ptr[0];
  wd_local_ptr[1] = wd_ptr[1];
  wd_local_ptr[2] = wd_ptr[2];
  wd_local_ptr[3] = wd_ptr[3];
  wd_local_ptr[4] = wd_ptr[4];
  wd_local_ptr[5] = wd_ptr[5];
  wd_local_ptr[6] = wd_ptr[6];
  spectral_local_ptr[0] = 0x0p+0f/*0.000000e+00*/;
  spectral_local_ptr[1] = 0x0p+0f/*0.000000e+00*/;
  spectral_local_ptr[2] = 0x0p+0f/*0.000000e+00*/;
  spectral_local_ptr[3] = 0x0p+0f/*0.000000e+00*/;
  spectral_local_ptr[4] = 0x0p+0f/*0.000000e+00*/;
  spectral_local_ptr[5] = 0x0p+0f/*0.000000e+00*/;
  spectral_local_ptr[6] = 0x0p+0f/*0.000000e+00*/;
  spectral_local_ptr[7] = 0x0p+0f/*0.000000e+00*/;
  int cse_v43 = (((((int)threadIdx.x) >> 4) * 32) + (((int)threadIdx.x) & 15));
  __syncthreads();
  spectral_local_ptr[0] = (spectral_local_ptr[0] + (spectral_pad_shared_ptr[(((((int)threadIdx.x) >> 4) * 32) + (((int)threadIdx.x) & 15))] * wd_local_ptr[0]));
  spectral_local_ptr[1] = (spectral_local_ptr[1] + (spectral_pad_shared_ptr[((((((int)threadIdx.x) >> 4) * 32) + (((int)threadIdx.x) & 15)) + 16)] * wd_local_ptr[0]));
  int cse_v55 = ((((((int)threadIdx.x) >> 4) * 32) + (((int)threadIdx.x) & 15)) + 256);
  spectral_local_ptr[2] = (spectral_local_ptr[2] + (spectral_pad_shared_ptr[((((((int)threadIdx.x) >> 4) * 32) + (((int)threadIdx.x) & 15)) + 256)] * wd_local_ptr[0]));
  int cse_v56 = ((((((int)threadIdx.x) >> 4) * 32) + (((int)threadIdx.x) & 15)) + 272);
  spectral_local_ptr[3] = (spectral_local_ptr[3] + (spectral_pad_shared_ptr[((((((int)threadIdx.x) >> 4) * 32) + (((int)threadIdx.x) & 15)) + 272)] * wd_local_ptr[0]));
  int cse_v57 = ((((((int)threadIdx.x) >> 4) * 32) + (((int)threadIdx.x) & 15)) + 512);
  spectral_local_ptr[4] = (spectral_local_ptr[4] + (spectral_pad_shared_ptr[((((((int)threadIdx.x) >> 4) * 32) + (((int)threadIdx.x) & 15)) + 512)] * wd_local_ptr[0]));
  int cse_v58 = ((((((int)threadIdx.x) >> 4) * 32) + (((int)threadIdx.x) & 15)) + 528);
  spectral_local_ptr[5] = (spectral_local_ptr[5] + (spectral_pad_shared_ptr[((((((int)threadIdx.x) >> 4) * 32) + (((int)threadIdx.x) & 15)) + 528)] * wd_local_ptr[0]));
  int cse_v59 = ((((((int)threadIdx.x) >> 4) * 32) + (((int)threadIdx.x) & 15)) + 768);
  spectral_local_ptr[6] = (spectral_local_ptr[6] + (spectral_pad_shared_ptr[((((((int)threadIdx.x) >> 4) * 32) + (((int)threadIdx.x) & 15)) + 768)] * wd_local_ptr[0]));
  int cse_v60 = ((((((int)threadIdx.x) >> 4) * 32) + (((int)threadIdx.x) & 15)) + 784);
  spectral_local_ptr[7] = (spectral_local_ptr[7] + (spectral_pad_shared_ptr[((((((int)threadIdx.x) >> 4) * 32) + (((int)threadIdx.x) & 15)) + 784)] * wd_local_ptr[0]));
  spectral_local_ptr[0] = (spectral_local_ptr[0] + (spectral_pad_shared_ptr[((((((int)threadIdx.x) >> 4) * 32) + (((int)threadIdx.x) & 15)) + 256)] * wd_local_ptr[1]));
  spectral_local_ptr[1] = (spectral_local_ptr[1] + (spectral_pad_shared_ptr[((((((int)threadIdx.x) >> 4) * 32) + (((int)threadIdx.x) & 15)) + 272)] * wd_local_ptr[1]));
  spectral_local_ptr[2] = (spectral_local_ptr[2] + (spectral_pad_shared_ptr[((((((int)threadIdx.x) >> 4) * 32) + (((int)threadIdx.x) & 15)) + 512)] * wd_local_ptr[1]));
  spectral_local_ptr[3] = (spectral_local_ptr[3] + (spectral_pad_shared_ptr[((((((int)threadIdx.x) >> 4) * 32) + (((int)threadIdx.x) & 15)) + 528)] * wd_local_ptr[1]));
  spectral_local_ptr[4] = (spectral_local_ptr[4] + (spectral_pad_shared_ptr[((((((int)threadIdx.x) >> 4) * 32) + (((int)threadIdx.x) & 15)) + 768)] * wd_local_ptr[1]));
  spectral_local_ptr[5] = (spectral_local_ptr[5] + (spectral_pad_shared_ptr[((((((int)threadIdx.x) >> 4) * 32) + (((int)threadIdx.x) & 15)) + 784)] * wd_local_ptr[1]));
  int cse_v61 = ((((((int)threadIdx.x) >> 4) * 32) + (((int)threadIdx.x) & 15)) + 1024);
  spectral_local_ptr[6] = (spectral_local_ptr[6] + (spectral_pad_shared_ptr[((((((int)threadIdx.x) >> 4) * 32) + (((int)threadIdx.x) & 15)) + 1024)] * wd_local_ptr[1]));
  int cse_v62 = ((((((int)threadIdx.x) >> 4) * 32) + (((int)threadIdx.x) & 15)) + 1040);
  spectral_local_ptr[7] = (spectral_local_ptr[7] + (spectral_pad_shared_ptr[((((((int)threadIdx.x) >> 4) * 32) + (((int)threadIdx.x) & 15)) + 1040)] * wd_local_ptr[1]));
  spectral_local_ptr[0] = (spectral_local_ptr[0] + (spectral_pad_shared_ptr[((((((int)threadIdx.x) >> 4) * 32) + (((int)threadIdx.x) & 15)) + 512)] * wd_local_ptr[2]));
  spectral_local_ptr[1] = (spectral_local_ptr[1] + (spectral_pad_shared_ptr[((((((int)threadIdx.x) >> 4) * 32) + (((int)threadIdx.x) & 15)) + 528)] * wd_local_ptr[2]));
  spectral_local_ptr[2] = (spectral_local_ptr[2] + (spectral_pad_shared_ptr[((((((int)threadIdx.x) >> 4) * 32) + (((int)threadIdx.x) & 15)) + 768)] * wd_local_ptr[2]));
  spectral_local_ptr[3] = (spectral_local_ptr[3] + (spectral_pad_shared_ptr[((((((int)threadIdx.x) >> 4) * 32) + (((int)threadIdx.x) & 15)) + 784)] * wd_local_ptr[2]));
  spectral_local_ptr[4] = (spectral_local_ptr[4] + (spectral_pad_shared_ptr[((((((int)threadIdx.x) >> 4) * 32) + (((int)threadIdx.x) & 15)) + 1024)] * wd_local_ptr[2]));
  spectral_local_ptr[5] = (spectral_local_ptr[5] + (spectral_pad_shared_ptr[((((((int)threadIdx.x) >> 4) * 32) + (((int)threadIdx.x) & 15)) + 1040)] * wd_local_ptr[2]));
  int cse_v63 = ((((((int)threadIdx.x) >> 4) * 32) + (((int)threadIdx.x) & 15)) + 1280);
  spectral_local_ptr[6] = (spectral_local_ptr[6] + (spectral_pad_shared_ptr[((((((int)threadIdx.x) >> 4) * 32) + (((int)threadIdx.x) & 15)) + 1280)] * wd_local_ptr[2]));
  int cse_v64 = ((((((int)threadIdx.x) >> 4) * 32) + (((int)threadIdx.x) & 15)) + 1296);
  spectral_local_ptr[7] = (spectral_local_ptr[7] + (spectral_pad_shared_ptr[((((((int)threadIdx.x) >> 4) * 32) + (((int)threadIdx.x) & 15)) + 1296)] * wd_local_ptr[2]));
  spectral_local_ptr[0] = (spectral_local_ptr[0] + (spectral_pad_shared_ptr[((((((int)threadIdx.x) >> 4) * 32) + (((int)threadIdx.x) & 15)) + 768)] * wd_local_ptr[3]));
  spectral_local_ptr[1] = (spectral_local_ptr[1] + (spectral_pad_shared_ptr[((((((int)threadIdx.x) >> 4) * 32) + (((int)threadIdx.x) & 15)) + 784)] * wd_local_ptr[3]));
  spectral_local_ptr[2] = (spectral_local_ptr[2] + (spectral_pad_shared_ptr[((((((int)threadIdx.x) >> 4) * 32) + (((int)threadIdx.x) & 15)) + 1024)] * wd_local_ptr[3]));
  spectral_local_ptr[3] = (spectral_local_ptr[3] + (spectral_pad_shared_ptr[((((((int)threadIdx.x) >> 4) * 32) + (((int)threadIdx.x) & 15)) + 1040)] * wd_local_ptr[3]));
  spectral_local_ptr[4] = (spectral_local_ptr[4] + (spectral_pad_shared_ptr[((((((int)threadIdx.x) >> 4) * 32) + (((int)threadIdx.x) & 15)) + 1280)] * wd_local_ptr[3]));
  spectral_local_ptr[5] = (spectral_local_ptr[5] + (spectral_pad_shared_ptr[((((((int)threadIdx.x) >> 4) * 32) + (((int)threadIdx.x) & 15)) + 1296)] * wd_local_ptr[3]));
  int cse_v65 = ((((((int)threadIdx.x) >> 4) * 32) + (((int)threadIdx.x) & 15)) + 1536);
  spectral_local_ptr[6] = (spectral_local_ptr[6] + (spectral_pad_shared_ptr[((((((int)threadIdx.x) >> 4) * 32) + (((int)threadIdx.x) & 15)) + 1536)] * wd_local_ptr[3]));
  int cse_v66 = ((((((int)threadIdx.x) >> 4) * 32) + (((int)threadIdx.x) & 15)) + 1552);
  spectral_local_ptr[7] = (spectral_local_ptr[7] + (spectral_pad_shared_ptr[((((((int)threadIdx.x) >> 4) * 32) + (((int)threadIdx.x) & 15)) + 1552)] * wd_local_ptr[3]));
  spectral_local_ptr[0] = (spectral_local_ptr[0] + (spectral_pad_shared_ptr[((((((int)threadIdx.x) >> 4) * 32) + (((int)threadIdx.x) & 15)) + 1024)] * wd_local_ptr[4]));
  spectral_local_ptr[1] = (spectral_local_ptr[1] + (spectral_pad_shared_ptr[((((((int)threadIdx.x) >> 4) * 32) + (((int)threadIdx.x) & 15)) + 1040)] * wd_local_ptr[4]));
  spectral_local_ptr[2] = (spectral_local_ptr[2] + (spectral_pad_shared_ptr[((((((int)threadIdx.x) >> 4) * 32) + (((int)threadIdx.x) & 15)) + 1280)] * wd_local_ptr[4]));
  spectral_local_ptr[3] = (spectral_local_ptr[3] + (spectral_pad_shared_ptr[((((((int)threadIdx.x) >> 4) * 32) + (((int)threadIdx.x) & 15)) + 1296)] * wd_local_ptr[4]));
  spectral_local_ptr[4] = (spectral_local_ptr[4] + (spectral_pad_shared_ptr[((((((int)threadIdx.x) >> 4) * 32) + (((int)threadIdx.x) & 15)) + 1536)] * wd_local_ptr[4]));
  spectral_local_ptr[5] = (spectral_local_ptr[5] + (spectral_pad_shared_ptr[((((((int)threadIdx.x) >> 4) * 32) + (((int)threadIdx.x) & 15)) + 1552)] * wd_local_ptr[4]));
  int cse_v67 = ((((((int)threadIdx.x) >> 4) * 32) + (((int)threadIdx.x) & 15)) + 1792);
  spectral_local_ptr[6] = (spectral_local_ptr[6] + (spectral_pad_shared_ptr[((((((int)threadIdx.x) >> 4) * 32) + (((int)threadIdx.x) & 15)) + 1792)] * wd_local_ptr[4]));
  int cse_v68 = ((((((int)threadIdx.x) >> 4) * 32) + (((int)threadIdx.x) & 15)) + 1808);
  spectral_local_ptr[7] = (spectral_local_ptr[7] + (spectral_pad_shared_ptr[((((((int)threadIdx.x) >> 4) * 32) + (((int)threadIdx.x) & 15)) + 1808)] * wd_local_ptr[4]));
  spectral_local_ptr[0] = (spectral_local_ptr[0] + (spectral_pad_shared_ptr[((((((int)threadIdx.x) >> 4) * 32) + (((int)threadIdx.x) & 15)) + 1280)] * wd_local_ptr[5]));
  spectral_local_ptr[1] = (spectral_local_ptr[1] + (spectral_pad_shared_ptr[((((((int)threadIdx.x) >> 4) * 32) + (((int)threadIdx.x) & 15)) + 1296)] * wd_local_ptr[5]));
  spectral_local_ptr[2] = (spectral_local_ptr[2] + (spectral_pad_shared_ptr[((((((int)threadIdx.x) >> 4) * 32) + (((int)threadIdx.x) & 15)) + 1536)] * wd_local_ptr[5]));
  spectral_local_ptr[3] = (spectral_local_ptr[3] + (spectral_pad_shared_ptr[((((((int)threadIdx.x) >> 4) * 32) + (((int)threadIdx.x) & 15)) + 1552)] * wd_local_ptr[5]));
  spectral_local_ptr[4] = (spectral_local_ptr[4] + (spectral_pad_shared_ptr[((((((int)threadIdx.x) >> 4) * 32) + (((int)threadIdx.x) & 15)) + 1792)] * wd_local_ptr[5]));
  spectral_local_ptr[5] = (spectral_local_ptr[5] + (spectral_pad_shared_ptr[((((((int)threadIdx.x) >> 4) * 32) + (((int)threadIdx.x) & 15)) + 1808)] * wd_local_ptr[5]));
  int cse_v69 = ((((((int)threadIdx.x) >> 4) * 32) + (((int)threadIdx.x) & 15)) + 2048);
  spectral_local_ptr[6] = (spectral_local_ptr[6] + (spectral_pad_shared_ptr[((((((int)threadIdx.x) >> 4) * 32) + (((int)threadIdx.x) & 15)) + 2048)] * wd_local_ptr[5]));
  int cse_v70 = ((((((int)threadIdx.x) >> 4) * 32) + (((int)threadIdx.x) & 15)) + 2064);
  spectral_local_ptr[7] = (spectral_local_ptr[7] + (spectral_pad_shared_ptr[((((((int)threadIdx.x) >> 4) * 32) + (((int)threadIdx.x) & 15)) + 2064)] * wd_local_ptr[5]));
  spectral_local_ptr[0] = (spectral_local_ptr[0] + (spectral_pad_shared_ptr[((((((int)threadIdx.x) >> 4) * 32) + (((int)threadIdx.x) & 15)) + 1536)] * wd_local_ptr[6]));
  spectral_local_ptr[1] = (spectral_local_ptr[1] + (spectral_pad_shared_ptr[((((((int)threadIdx.x) >> 4) * 32) + (((int)threadIdx.x) & 15)) + 1552)] * wd_local_ptr[6]));
  spectral_local_ptr[2] = (spectral_local_ptr[2] + (spectral_pad_shared_ptr[((((((int)threadIdx.x) >> 4) * 32) + (((int)threadIdx.x) & 15)) + 1792)] * wd_local_ptr[6]));
  spectral_local_ptr[3] = (spectral_local_ptr[3] + (spectral_pad_shared_ptr[((((((int)threadIdx.x) >> 4) * 32) + (((int)threadIdx.x) & 15)) + 1808)] * wd_local_ptr[6]));
  spectral_local_ptr[4] = (spectral_local_ptr[4] + (spectral_pad_shared_ptr[((((((int)threadIdx.x) >> 4) * 32) + (((int)threadIdx.x) & 15)) + 2048)] * wd_local_ptr[6]));
  spectral_local_ptr[5] = (spectral_local_ptr[5] + (spectral_pad_shared_ptr[((((((int)threadIdx.x) >> 4) * 32) + (((int)threadIdx.x) & 15)) + 2064)] * wd_local_ptr[6]));
  spectral_local_ptr[6] = (spectral_local_ptr[6] + (spectral_pad_shared_ptr[((((((int)threadIdx.x) >> 4) * 32) + (((int)threadIdx.x) & 15)) + 2304)] * wd_local_ptr[6]));
  spectral_local_ptr[7] = (spectral_local_ptr[7] + (spectral_pad_shared_ptr[((((((int)threadIdx.x) >> 4) * 32) + (((int)threadIdx.x) & 15)) + 2320)] * wd_local_ptr[6]));
  int cse_v85 = ((((((((int)blockIdx.x) >> 4) * 16384) + (((((int)blockIdx.x) & 15) >> 2) * 1024)) + ((((int)threadIdx.x) >> 4) * 128)) + ((((int)blockIdx.x) & 3) * 16)) + (((int)threadIdx.x) & 15));
  spectral_ptr[((((((((int)blockIdx.x) >> 4) * 16384) + (((((int)blockIdx.x) & 15) >> 2) * 1024)) + ((((int)threadIdx.x) >> 4) * 128)) + ((((int)blockIdx.x) & 3) * 16)) + (((int)threadIdx.x) & 15))] = spectral_local_ptr[0];
  spectral_ptr[(((((((((int)blockIdx.x) >> 4) * 16384) + (((((int)blockIdx.x) & 15) >> 2) * 1024)) + ((((int)threadIdx.x) >> 4) * 128)) + ((((int)blockIdx.x) & 3) * 16)) + (((int)threadIdx.x) & 15)) + 64)] = spectral_local_ptr[1];
  spectral_ptr[(((((((((int)blockIdx.x) >> 4) * 16384) + (((((int)blockIdx.x) & 15) >> 2) * 1024)) + ((((int)threadIdx.x) >> 4) * 128)) + ((((int)blockIdx.x) & 3) * 16)) + (((int)threadIdx.x) & 15)) + 4096)] = spectral_local_ptr[2];
  spectral_ptr[(((((((((int)blockIdx.x) >> 4) * 16384) + (((((int)blockIdx.x) & 15) >> 2) * 1024)) + ((((int)threadIdx.x) >> 4) * 128)) + ((((int)blockIdx.x) & 3) * 16)) + (((int)threadIdx.x) & 15)) + 4160)] = spectral_local_ptr[3];
  spectral_ptr[(((((((((int)blockIdx.x) >> 4) * 16384) + (((((int)blockIdx.x) & 15) >> 2) * 1024)) + ((((int)threadIdx.x) >> 4) * 128)) + ((((int)blockIdx.x) & 3) * 16)) + (((int)threadIdx.x) & 15)) + 8192)] = spectral_local_ptr[4];
  spectral_ptr[(((((((((int)blockIdx.x) >> 4) * 16384) + (((((int)blockIdx.x) & 15) >> 2) * 1024)) + ((((int)threadIdx.x) >> 4) * 128)) + ((((int)blockIdx.x) & 3) * 16)) + (((int)threadIdx.x) & 15)) + 8256)] = spectral_local_ptr[5];
  spectral_ptr[(((((((((int)blockIdx.x) >> 4) * 16384) + (((((int)blockIdx.x) & 15) >> 2) * 1024)) + ((((int)threadIdx.x) >> 4) * 128)) + ((((int)blockIdx.x) & 3) * 16)) + (((int)threadIdx.x) & 15)) + 12288)] = spectral_local_ptr[6];
  spectral_ptr[(((((((((int)blockIdx.x) >> 4) * 16384) + (((((int)blockIdx.x) & 15) >> 2) * 1024)) + ((((int)threadIdx.x) >> 4) * 128)) + ((((int)blockIdx.x) & 3) * 16)) + (((int)threadIdx.x) & 15)) + 12352)] = spectral_local_ptr[7];
}

