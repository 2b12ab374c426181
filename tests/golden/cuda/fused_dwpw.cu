
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
extern "C" __global__ void __launch_bounds__(112) main_kernel(float* __restrict__ b_ptr, float* __restrict__ dw_w_ptr, float* __restrict__ pw_out_ptr, float* __restrict__ pw_w_ptr, float* __restrict__ x_ptr);
extern "C" __global__ void __launch_bounds__(112) main_kernel(float* __restrict__ b_ptr, float* __restrict__ dw_w_ptr, float* __restrict__ pw_out_ptr, float* __restrict__ pw_w_ptr, float* __restrict__ x_ptr) {
  __shared__ alignas(64) float dw_pad_shared_ptr[6144];
  __shared__ alignas(64) float dw_shared_ptr[3584];
  alignas(64) float dw_local_ptr[1];
  alignas(64) float pw_local_ptr[16];
  int cse_v1 = (((int)threadIdx.x) & 15);
  int cse_v11 = ((((int)blockIdx.x) % 56) >> 2);
  int cse_v12 = ((((int)threadIdx.x) % 96) >> 4);
  int cse_v13 = ((((int)blockIdx.x) & 3) * 14);
  int cse_v59 = (((((int)blockIdx.x) % 56) >> 2) * 4);
  int cse_v60 = (((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15));
  int cse_v61 = (((((int)blockIdx.x) % 56) >> 2) * 224);
  int cse_v71 = ((((((int)blockIdx.x) % 56) >> 2) * 4) + ((((int)threadIdx.x) % 96) >> 4));
  int cse_v100 = ((((((((int)threadIdx.x) / 96) * 3136) + (((((int)blockIdx.x) % 56) >> 2) * 224)) + (((((int)threadIdx.x) % 96) >> 4) * 56)) + ((((int)blockIdx.x) & 3) * 14)) + (((int)threadIdx.x) & 15));
  float condval;
  if ((((1 <= ((((((int)blockIdx.x) % 56) >> 2) * 4) + ((((int)threadIdx.x) % 96) >> 4))) && (((((((int)blockIdx.x) % 56) >> 2) * 4) + ((((int)threadIdx.x) % 96) >> 4)) < 57)) && (1 <= (((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)))) && ((((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)) < 57)) {
    condval = x_ptr[(((((((((int)threadIdx.x) / 96) * 3136) + (((((int)blockIdx.x) % 56) >> 2) * 224)) + (((((int)threadIdx.x) % 96) >> 4) * 56)) + ((((int)blockIdx.x) & 3) * 14)) + (((int)threadIdx.x) & 15)) - 57)];
  } else {
    condval = 0x0p+0f/*0.000000e+00*/;
  }
  dw_pad_shared_ptr[((int)threadIdx.x)] = condval;
  int cse_v2 = (((int)threadIdx.x) >> 4);
  int cse_v3 = (((int)threadIdx.x) + 112);
  int cse_v14 = ((((int)threadIdx.x) + 112) / 96);
  int cse_v62 = (((((int)threadIdx.x) >> 4) + 1) % 6);
  int cse_v72 = ((((((int)blockIdx.x) % 56) >> 2) * 4) + (((((int)threadIdx.x) >> 4) + 1) % 6));
  int cse_v73 = ((((((int)threadIdx.x) >> 4) + 1) % 6) * 56);
  int cse_v74 = ((((((int)threadIdx.x) >> 4) + 1) % 6) * 16);
  float condval_1;
  if ((((1 <= ((((((int)blockIdx.x) % 56) >> 2) * 4) + (((((int)threadIdx.x) >> 4) + 1) % 6))) && (((((((int)blockIdx.x) % 56) >> 2) * 4) + (((((int)threadIdx.x) >> 4) + 1) % 6)) < 57)) && (1 <= (((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)))) && ((((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)) < 57)) {
    condval_1 = x_ptr[((((((((((int)threadIdx.x) + 112) / 96) * 3136) + (((((int)blockIdx.x) % 56) >> 2) * 224)) + ((((((int)threadIdx.x) >> 4) + 1) % 6) * 56)) + ((((int)blockIdx.x) & 3) * 14)) + (((int)threadIdx.x) & 15)) - 57)];
  } else {
    condval_1 = 0x0p+0f/*0.000000e+00*/;
  }
  dw_pad_shared_ptr[(((((((int)threadIdx.x) + 112) / 96) * 96) + ((((((int)threadIdx.x) >> 4) + 1) % 6) * 16)) + (((int)threadIdx.x) & 15))] = condval_1;
  int cse_v4 = (((int)threadIdx.x) + 224);
  int cse_v15 = ((((int)threadIdx.x) + 224) / 96);
  int cse_v63 = (((((int)threadIdx.x) >> 4) + 2) % 6);
  int cse_v75 = ((((((int)blockIdx.x) % 56) >> 2) * 4) + (((((int)threadIdx.x) >> 4) + 2) % 6));
  int cse_v76 = ((((((int)threadIdx.x) >> 4) + 2) % 6) * 56);
  int cse_v77 = ((((((int)threadIdx.x) >> 4) + 2) % 6) * 16);
  float condval_2;
  if ((((1 <= ((((((int)blockIdx.x) % 56) >> 2) * 4) + (((((int)threadIdx.x) >> 4) + 2) % 6))) && (((((((int)blockIdx.x) % 56) >> 2) * 4) + (((((int)threadIdx.x) >> 4) + 2) % 6)) < 57)) && (1 <= (((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)))) && ((((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)) < 57)) {
    condval_2 = x_ptr[((((((((((int)threadIdx.x) + 224) / 96) * 3136) + (((((int)blockIdx.x) % 56) >> 2) * 224)) + ((((((int)threadIdx.x) >> 4) + 2) % 6) * 56)) + ((((int)blockIdx.x) & 3) * 14)) + (((int)threadIdx.x) & 15)) - 57)];
  } else {
    condval_2 = 0x0p+0f/*0.000000e+00*/;
  }
  dw_pad_shared_ptr[(((((((int)threadIdx.x) + 224) / 96) * 96) + ((((((int)threadIdx.x) >> 4) + 2) % 6) * 16)) + (((int)threadIdx.x) & 15))] = condval_2;
  int cse_v5 = (((int)threadIdx.x) + 336);
  int cse_v16 = ((((int)threadIdx.x) + 336) / 96);
  int cse_v64 = (((((int)threadIdx.x) >> 4) + 3) % 6);
  int cse_v78 = ((((((int)blockIdx.x) % 56) >> 2) * 4) + (((((int)threadIdx.x) >> 4) + 3) % 6));
  int cse_v79 = ((((((int)threadIdx.x) >> 4) + 3) % 6) * 56);
  int cse_v80 = ((((((int)threadIdx.x) >> 4) + 3) % 6) * 16);
  float condval_3;
  if ((((1 <= ((((((int)blockIdx.x) % 56) >> 2) * 4) + (((((int)threadIdx.x) >> 4) + 3) % 6))) && (((((((int)blockIdx.x) % 56) >> 2) * 4) + (((((int)threadIdx.x) >> 4) + 3) % 6)) < 57)) && (1 <= (((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)))) && ((((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)) < 57)) {
    condval_3 = x_ptr[((((((((((int)threadIdx.x) + 336) / 96) * 3136) + (((((int)blockIdx.x) % 56) >> 2) * 224)) + ((((((int)threadIdx.x) >> 4) + 3) % 6) * 56)) + ((((int)blockIdx.x) & 3) * 14)) + (((int)threadIdx.x) & 15)) - 57)];
  } else {
    condval_3 = 0x0p+0f/*0.000000e+00*/;
  }
  dw_pad_shared_ptr[(((((((int)threadIdx.x) + 336) / 96) * 96) + ((((((int)threadIdx.x) >> 4) + 3) % 6) * 16)) + (((int)threadIdx.x) & 15))] = condval_3;
  int cse_v6 = (((int)threadIdx.x) + 448);
  int cse_v17 = ((((int)threadIdx.x) + 448) / 96);
  int cse_v65 = (((((int)threadIdx.x) >> 4) + 4) % 6);
  int cse_v81 = ((((((int)blockIdx.x) % 56) >> 2) * 4) + (((((int)threadIdx.x) >> 4) + 4) % 6));
  int cse_v82 = ((((((int)threadIdx.x) >> 4) + 4) % 6) * 56);
  int cse_v83 = ((((((int)threadIdx.x) >> 4) + 4) % 6) * 16);
  float condval_4;
  if ((((1 <= ((((((int)blockIdx.x) % 56) >> 2) * 4) + (((((int)threadIdx.x) >> 4) + 4) % 6))) && (((((((int)blockIdx.x) % 56) >> 2) * 4) + (((((int)threadIdx.x) >> 4) + 4) % 6)) < 57)) && (1 <= (((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)))) && ((((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)) < 57)) {
    condval_4 = x_ptr[((((((((((int)threadIdx.x) + 448) / 96) * 3136) + (((((int)blockIdx.x) % 56) >> 2) * 224)) + ((((((int)threadIdx.x) >> 4) + 4) % 6) * 56)) + ((((int)blockIdx.x) & 3) * 14)) + (((int)threadIdx.x) & 15)) - 57)];
  } else {
    condval_4 = 0x0p+0f/*0.000000e+00*/;
  }
  dw_pad_shared_ptr[(((((((int)threadIdx.x) + 448) / 96) * 96) + ((((((int)threadIdx.x) >> 4) + 4) % 6) * 16)) + (((int)threadIdx.x) & 15))] = condval_4;
  int cse_v18 = ((((int)threadIdx.x) + 560) / 96);
  int cse_v66 = (((((int)threadIdx.x) >> 4) + 5) % 6);
  int cse_v84 = ((((((int)blockIdx.x) % 56) >> 2) * 4) + (((((int)threadIdx.x) >> 4) + 5) % 6));
  int cse_v85 = ((((((int)threadIdx.x) >> 4) + 5) % 6) * 56);
  int cse_v86 = ((((((int)threadIdx.x) >> 4) + 5) % 6) * 16);
  float condval_5;
  if ((((1 <= ((((((int)blockIdx.x) % 56) >> 2) * 4) + (((((int)threadIdx.x) >> 4) + 5) % 6))) && (((((((int)blockIdx.x) % 56) >> 2) * 4) + (((((int)threadIdx.x) >> 4) + 5) % 6)) < 57)) && (1 <= (((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)))) && ((((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)) < 57)) {
    condval_5 = x_ptr[((((((((((int)threadIdx.x) + 560) / 96) * 3136) + (((((int)blockIdx.x) % 56) >> 2) * 224)) + ((((((int)threadIdx.x) >> 4) + 5) % 6) * 56)) + ((((int)blockIdx.x) & 3) * 14)) + (((int)threadIdx.x) & 15)) - 57)];
  } else {
    condval_5 = 0x0p+0f/*0.000000e+00*/;
  }
  dw_pad_shared_ptr[(((((((int)threadIdx.x) + 560) / 96) * 96) + ((((((int)threadIdx.x) >> 4) + 5) % 6) * 16)) + (((int)threadIdx.x) & 15))] = condval_5;
  float condval_6;
  if ((((1 <= ((((((int)blockIdx.x) % 56) >> 2) * 4) + ((((int)threadIdx.x) % 96) >> 4))) && (((((((int)blockIdx.x) % 56) >> 2) * 4) + ((((int)threadIdx.x) % 96) >> 4)) < 57)) && (1 <= (((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)))) && ((((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)) < 57)) {
    condval_6 = x_ptr[(((((((((int)threadIdx.x) / 96) * 3136) + (((((int)blockIdx.x) % 56) >> 2) * 224)) + (((((int)threadIdx.x) % 96) >> 4) * 56)) + ((((int)blockIdx.x) & 3) * 14)) + (((int)threadIdx.x) & 15)) + 21895)];
  } else {
    condval_6 = 0x0p+0f/*0.000000e+00*/;
  }
  dw_pad_shared_ptr[(((int)threadIdx.x) + 672)] = condval_6;
  int cse_v19 = ((((int)threadIdx.x) + 784) / 96);
  float condval_7;
  if ((((1 <= ((((((int)blockIdx.x) % 56) >> 2) * 4) + (((((int)threadIdx.x) >> 4) + 1) % 6))) && (((((((int)blockIdx.x) % 56) >> 2) * 4) + (((((int)threadIdx.x) >> 4) + 1) % 6)) < 57)) && (1 <= (((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)))) && ((((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)) < 57)) {
    condval_7 = x_ptr[((((((((((int)threadIdx.x) + 784) / 96) * 3136) + (((((int)blockIdx.x) % 56) >> 2) * 224)) + ((((((int)threadIdx.x) >> 4) + 1) % 6) * 56)) + ((((int)blockIdx.x) & 3) * 14)) + (((int)threadIdx.x) & 15)) - 57)];
  } else {
    condval_7 = 0x0p+0f/*0.000000e+00*/;
  }
  dw_pad_shared_ptr[(((((((int)threadIdx.x) + 784) / 96) * 96) + ((((((int)threadIdx.x) >> 4) + 1) % 6) * 16)) + (((int)threadIdx.x) & 15))] = condval_7;
  int cse_v20 = ((((int)threadIdx.x) + 896) / 96);
  float condval_8;
  if ((((1 <= ((((((int)blockIdx.x) % 56) >> 2) * 4) + (((((int)threadIdx.x) >> 4) + 2) % 6))) && (((((((int)blockIdx.x) % 56) >> 2) * 4) + (((((int)threadIdx.x) >> 4) + 2) % 6)) < 57)) && (1 <= (((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)))) && ((((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)) < 57)) {
    condval_8 = x_ptr[((((((((((int)threadIdx.x) + 896) / 96) * 3136) + (((((int)blockIdx.x) % 56) >> 2) * 224)) + ((((((int)threadIdx.x) >> 4) + 2) % 6) * 56)) + ((((int)blockIdx.x) & 3) * 14)) + (((int)threadIdx.x) & 15)) - 57)];
  } else {
    condval_8 = 0x0p+0f/*0.000000e+00*/;
  }
  dw_pad_shared_ptr[(((((((int)threadIdx.x) + 896) / 96) * 96) + ((((((int)threadIdx.x) >> 4) + 2) % 6) * 16)) + (((int)threadIdx.x) & 15))] = condval_8;
  int cse_v21 = ((((int)threadIdx.x) + 1008) / 96);
  float condval_9;
  if ((((1 <= ((((((int)blockIdx.x) % 56) >> 2) * 4) + (((((int)threadIdx.x) >> 4) + 3) % 6))) && (((((((int)blockIdx.x) % 56) >> 2) * 4) + (((((int)threadIdx.x) >> 4) + 3) % 6)) < 57)) && (1 <= (((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)))) && ((((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)) < 57)) {
    condval_9 = x_ptr[((((((((((int)threadIdx.x) + 1008) / 96) * 3136) + (((((int)blockIdx.x) % 56) >> 2) * 224)) + ((((((int)threadIdx.x) >> 4) + 3) % 6) * 56)) + ((((int)blockIdx.x) & 3) * 14)) + (((int)threadIdx.x) & 15)) - 57)];
  } else {
    condval_9 = 0x0p+0f/*0.000000e+00*/;
  }
  dw_pad_shared_ptr[(((((((int)threadIdx.x) + 1008) / 96) * 96) + ((((((int)threadIdx.x) >> 4) + 3) % 6) * 16)) + (((int)threadIdx.x) & 15))] = condval_9;
  int cse_v22 = ((((int)threadIdx.x) + 1120) / 96);
  float condval_10;
  if ((((1 <= ((((((int)blockIdx.x) % 56) >> 2) * 4) + (((((int)threadIdx.x) >> 4) + 4) % 6))) && (((((((int)blockIdx.x) % 56) >> 2) * 4) + (((((int)threadIdx.x) >> 4) + 4) % 6)) < 57)) && (1 <= (((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)))) && ((((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)) < 57)) {
    condval_10 = x_ptr[((((((((((int)threadIdx.x) + 1120) / 96) * 3136) + (((((int)blockIdx.x) % 56) >> 2) * 224)) + ((((((int)threadIdx.x) >> 4) + 4) % 6) * 56)) + ((((int)blockIdx.x) & 3) * 14)) + (((int)threadIdx.x) & 15)) - 57)];
  } else {
    condval_10 = 0x0p+0f/*0.000000e+00*/;
  }
  dw_pad_shared_ptr[(((((((int)threadIdx.x) + 1120) / 96) * 96) + ((((((int)threadIdx.x) >> 4) + 4) % 6) * 16)) + (((int)threadIdx.x) & 15))] = condval_10;
  int cse_v23 = ((((int)threadIdx.x) + 1232) / 96);
  float condval_11;
  if ((((1 <= ((((((int)blockIdx.x) % 56) >> 2) * 4) + (((((int)threadIdx.x) >> 4) + 5) % 6))) && (((((((int)blockIdx.x) % 56) >> 2) * 4) + (((((int)threadIdx.x) >> 4) + 5) % 6)) < 57)) && (1 <= (((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)))) && ((((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)) < 57)) {
    condval_11 = x_ptr[((((((((((int)threadIdx.x) + 1232) / 96) * 3136) + (((((int)blockIdx.x) % 56) >> 2) * 224)) + ((((((int)threadIdx.x) >> 4) + 5) % 6) * 56)) + ((((int)blockIdx.x) & 3) * 14)) + (((int)threadIdx.x) & 15)) - 57)];
  } else {
    condval_11 = 0x0p+0f/*0.000000e+00*/;
  }
  dw_pad_shared_ptr[(((((((int)threadIdx.x) + 1232) / 96) * 96) + ((((((int)threadIdx.x) >> 4) + 5) % 6) * 16)) + (((int)threadIdx.x) & 15))] = condval_11;
  float condval_12;
  if ((((1 <= ((((((int)blockIdx.x) % 56) >> 2) * 4) + ((((int)threadIdx.x) % 96) >> 4))) && (((((((int)blockIdx.x) % 56) >> 2) * 4) + ((((int)threadIdx.x) % 96) >> 4)) < 57)) && (1 <= (((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)))) && ((((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)) < 57)) {
    condval_12 = x_ptr[(((((((((int)threadIdx.x) / 96) * 3136) + (((((int)blockIdx.x) % 56) >> 2) * 224)) + (((((int)threadIdx.x) % 96) >> 4) * 56)) + ((((int)blockIdx.x) & 3) * 14)) + (((int)threadIdx.x) & 15)) + 43847)];
  } else {
    condval_12 = 0x0p+0f/*0.000000e+00*/;
  }
  dw_pad_shared_ptr[(((int)threadIdx.x) + 1344)] = condval_12;
  int cse_v24 = ((((int)threadIdx.x) + 1456) / 96);
  float condval_13;
  if ((((1 <= ((((((int)blockIdx.x) % 56) >> 2) * 4) + (((((int)threadIdx.x) >> 4) + 1) % 6))) && (((((((int)blockIdx.x) % 56) >> 2) * 4) + (((((int)threadIdx.x) >> 4) + 1) % 6)) < 57)) && (1 <= (((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)))) && ((((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)) < 57)) {
    condval_13 = x_ptr[((((((((((int)threadIdx.x) + 1456) / 96) * 3136) + (((((int)blockIdx.x) % 56) >> 2) * 224)) + ((((((int)threadIdx.x) >> 4) + 1) % 6) * 56)) + ((((int)blockIdx.x) & 3) * 14)) + (((int)threadIdx.x) & 15)) - 57)];
  } else {
    condval_13 = 0x0p+0f/*0.000000e+00*/;
  }
  dw_pad_shared_ptr[(((((((int)threadIdx.x) + 1456) / 96) * 96) + ((((((int)threadIdx.x) >> 4) + 1) % 6) * 16)) + (((int)threadIdx.x) & 15))] = condval_13;
  int cse_v25 = ((((int)threadIdx.x) + 1568) / 96);
  float condval_14;
  if ((((1 <= ((((((int)blockIdx.x) % 56) >> 2) * 4) + (((((int)threadIdx.x) >> 4) + 2) % 6))) && (((((((int)blockIdx.x) % 56) >> 2) * 4) + (((((int)threadIdx.x) >> 4) + 2) % 6)) < 57)) && (1 <= (((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)))) && ((((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)) < 57)) {
    condval_14 = x_ptr[((((((((((int)threadIdx.x) + 1568) / 96) * 3136) + (((((int)blockIdx.x) % 56) >> 2) * 224)) + ((((((int)threadIdx.x) >> 4) + 2) % 6) * 56)) + ((((int)blockIdx.x) & 3) * 14)) + (((int)threadIdx.x) & 15)) - 57)];
  } else {
    condval_14 = 0x0p+0f/*0.000000e+00*/;
  }
  dw_pad_shared_ptr[(((((((int)threadIdx.x) + 1568) / 96) * 96) + ((((((int)threadIdx.x) >> 4) + 2) % 6) * 16)) + (((int)threadIdx.x) & 15))] = condval_14;
  int cse_v26 = ((((int)threadIdx.x) + 1680) / 96);
  float condval_15;
  if ((((1 <= ((((((int)blockIdx.x) % 56) >> 2) * 4) + (((((int)threadIdx.x) >> 4) + 3) % 6))) && (((((((int)blockIdx.x) % 56) >> 2) * 4) + (((((int)threadIdx.x) >> 4) + 3) % 6)) < 57)) && (1 <= (((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)))) && ((((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)) < 57)) {
    condval_15 = x_ptr[((((((((((int)threadIdx.x) + 1680) / 96) * 3136) + (((((int)blockIdx.x) % 56) >> 2) * 224)) + ((((((int)threadIdx.x) >> 4) + 3) % 6) * 56)) + ((((int)blockIdx.x) & 3) * 14)) + (((int)threadIdx.x) & 15)) - 57)];
  } else {
    condval_15 = 0x0p+0f/*0.000000e+00*/;
  }
  dw_pad_shared_ptr[(((((((int)threadIdx.x) + 1680) / 96) * 96) + ((((((int)threadIdx.x) >> 4) + 3) % 6) * 16)) + (((int)threadIdx.x) & 15))] = condval_15;
  int cse_v27 = ((((int)threadIdx.x) + 1792) / 96);
  float condval_16;
  if ((((1 <= ((((((int)blockIdx.x) % 56) >> 2) * 4) + (((((int)threadIdx.x) >> 4) + 4) % 6))) && (((((((int)blockIdx.x) % 56) >> 2) * 4) + (((((int)threadIdx.x) >> 4) + 4) % 6)) < 57)) && (1 <= (((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)))) && ((((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)) < 57)) {
    condval_16 = x_ptr[((((((((((int)threadIdx.x) + 1792) / 96) * 3136) + (((((int)blockIdx.x) % 56) >> 2) * 224)) + ((((((int)threadIdx.x) >> 4) + 4) % 6) * 56)) + ((((int)blockIdx.x) & 3) * 14)) + (((int)threadIdx.x) & 15)) - 57)];
  } else {
    condval_16 = 0x0p+0f/*0.000000e+00*/;
  }
  dw_pad_shared_ptr[(((((((int)threadIdx.x) + 1792) / 96) * 96) + ((((((int)threadIdx.x) >> 4) + 4) % 6) * 16)) + (((int)threadIdx.x) & 15))] = condval_16;
  int cse_v28 = ((((int)threadIdx.x) + 1904) / 96);
  float condval_17;
  if ((((1 <= ((((((int)blockIdx.x) % 56) >> 2) * 4) + (((((int)threadIdx.x) >> 4) + 5) % 6))) && (((((((int)blockIdx.x) % 56) >> 2) * 4) + (((((int)threadIdx.x) >> 4) + 5) % 6)) < 57)) && (1 <= (((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)))) && ((((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)) < 57)) {
    condval_17 = x_ptr[((((((((((int)threadIdx.x) + 1904) / 96) * 3136) + (((((int)blockIdx.x) % 56) >> 2) * 224)) + ((((((int)threadIdx.x) >> 4) + 5) % 6) * 56)) + ((((int)blockIdx.x) & 3) * 14)) + (((int)threadIdx.x) & 15)) - 57)];
  } else {
    condval_17 = 0x0p+0f/*0.000000e+00*/;
  }
  dw_pad_shared_ptr[(((((((int)threadIdx.x) + 1904) / 96) * 96) + ((((((int)threadIdx.x) >> 4) + 5) % 6) * 16)) + (((int)threadIdx.x) & 15))] = condval_17;
  float condval_18;
  if ((((1 <= ((((((int)blockIdx.x) % 56) >> 2) * 4) + ((((int)threadIdx.x) % 96) >> 4))) && (((((((int)blockIdx.x) % 56) >> 2) * 4) + ((((int)threadIdx.x) % 96) >> 4)) < 57)) && (1 <= (((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)))) && ((((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)) < 57)) {
    condval_18 = x_ptr[(((((((((int)threadIdx.x) / 96) * 3136) + (((((int)blockIdx.x) % 56) >> 2) * 224)) + (((((int)threadIdx.x) % 96) >> 4) * 56)) + ((((int)blockIdx.x) & 3) * 14)) + (((int)threadIdx.x) & 15)) + 65799)];
  } else {
    condval_18 = 0x0p+0f/*0.000000e+00*/;
  }
  dw_pad_shared_ptr[(((int)threadIdx.x) + 2016)] = condval_18;
  int cse_v29 = ((((int)threadIdx.x) + 2128) / 96);
  float condval_19;
  if ((((1 <= ((((((int)blockIdx.x) % 56) >> 2) * 4) + (((((int)threadIdx.x) >> 4) + 1) % 6))) && (((((((int)blockIdx.x) % 56) >> 2) * 4) + (((((int)threadIdx.x) >> 4) + 1) % 6)) < 57)) && (1 <= (((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)))) && ((((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)) < 57)) {
    condval_19 = x_ptr[((((((((((int)threadIdx.x) + 2128) / 96) * 3136) + (((((int)blockIdx.x) % 56) >> 2) * 224)) + ((((((int)threadIdx.x) >> 4) + 1) % 6) * 56)) + ((((int)blockIdx.x) & 3) * 14)) + (((int)threadIdx.x) & 15)) - 57)];
  } else {
    condval_19 = 0x0p+0f/*0.000000e+00*/;
  }
  dw_pad_shared_ptr[(((((((int)threadIdx.x) + 2128) / 96) * 96) + ((((((int)threadIdx.x) >> 4) + 1) % 6) * 16)) + (((int)threadIdx.x) & 15))] = condval_19;
  int cse_v30 = ((((int)threadIdx.x) + 2240) / 96);
  float condval_20;
  if ((((1 <= ((((((int)blockIdx.x) % 56) >> 2) * 4) + (((((int)threadIdx.x) >> 4) + 2) % 6))) && (((((((int)blockIdx.x) % 56) >> 2) * 4) + (((((int)threadIdx.x) >> 4) + 2) % 6)) < 57)) && (1 <= (((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)))) && ((((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)) < 57)) {
    condval_20 = x_ptr[((((((((((int)threadIdx.x) + 2240) / 96) * 3136) + (((((int)blockIdx.x) % 56) >> 2) * 224)) + ((((((int)threadIdx.x) >> 4) + 2) % 6) * 56)) + ((((int)blockIdx.x) & 3) * 14)) + (((int)threadIdx.x) & 15)) - 57)];
  } else {
    condval_20 = 0x0p+0f/*0.000000e+00*/;
  }
  dw_pad_shared_ptr[(((((((int)threadIdx.x) + 2240) / 96) * 96) + ((((((int)threadIdx.x) >> 4) + 2) % 6) * 16)) + (((int)threadIdx.x) & 15))] = condval_20;
  int cse_v31 = ((((int)threadIdx.x) + 2352) / 96);
  float condval_21;
  if ((((1 <= ((((((int)blockIdx.x) % 56) >> 2) * 4) + (((((int)threadIdx.x) >> 4) + 3) % 6))) && (((((((int)blockIdx.x) % 56) >> 2) * 4) + (((((int)threadIdx.x) >> 4) + 3) % 6)) < 57)) && (1 <= (((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)))) && ((((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)) < 57)) {
    condval_21 = x_ptr[((((((((((int)threadIdx.x) + 2352) / 96) * 3136) + (((((int)blockIdx.x) % 56) >> 2) * 224)) + ((((((int)threadIdx.x) >> 4) + 3) % 6) * 56)) + ((((int)blockIdx.x) & 3) * 14)) + (((int)threadIdx.x) & 15)) - 57)];
  } else {
    condval_21 = 0x0p+0f/*0.000000e+00*/;
  }
  dw_pad_shared_ptr[(((((((int)threadIdx.x) + 2352) / 96) * 96) + ((((((int)threadIdx.x) >> 4) + 3) % 6) * 16)) + (((int)threadIdx.x) & 15))] = condval_21;
  int cse_v32 = ((((int)threadIdx.x) + 2464) / 96);
  float condval_22;
  if ((((1 <= ((((((int)blockIdx.x) % 56) >> 2) * 4) + (((((int)threadIdx.x) >> 4) + 4) % 6))) && (((((((int)blockIdx.x) % 56) >> 2) * 4) + (((((int)threadIdx.x) >> 4) + 4) % 6)) < 57)) && (1 <= (((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)))) && ((((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)) < 57)) {
    condval_22 = x_ptr[((((((((((int)threadIdx.x) + 2464) / 96) * 3136) + (((((int)blockIdx.x) % 56) >> 2) * 224)) + ((((((int)threadIdx.x) >> 4) + 4) % 6) * 56)) + ((((int)blockIdx.x) & 3) * 14)) + (((int)threadIdx.x) & 15)) - 57)];
  } else {
    condval_22 = 0x0p+0f/*0.000000e+00*/;
  }
  dw_pad_shared_ptr[(((((((int)threadIdx.x) + 2464) / 96) * 96) + ((((((int)threadIdx.x) >> 4) + 4) % 6) * 16)) + (((int)threadIdx.x) & 15))] = condval_22;
  int cse_v33 = ((((int)threadIdx.x) + 2576) / 96);
  float condval_23;
  if ((((1 <= ((((((int)blockIdx.x) % 56) >> 2) * 4) + (((((int)threadIdx.x) >> 4) + 5) % 6))) && (((((((int)blockIdx.x) % 56) >> 2) * 4) + (((((int)threadIdx.x) >> 4) + 5) % 6)) < 57)) && (1 <= (((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)))) && ((((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)) < 57)) {
    condval_23 = x_ptr[((((((((((int)threadIdx.x) + 2576) / 96) * 3136) + (((((int)blockIdx.x) % 56) >> 2) * 224)) + ((((((int)threadIdx.x) >> 4) + 5) % 6) * 56)) + ((((int)blockIdx.x) & 3) * 14)) + (((int)threadIdx.x) & 15)) - 57)];
  } else {
    condval_23 = 0x0p+0f/*0.000000e+00*/;
  }
  dw_pad_shared_ptr[(((((((int)threadIdx.x) + 2576) / 96) * 96) + ((((((int)threadIdx.x) >> 4) + 5) % 6) * 16)) + (((int)threadIdx.x) & 15))] = condval_23;
  float condval_24;
  if ((((1 <= ((((((int)blockIdx.x) % 56) >> 2) * 4) + ((((int)threadIdx.x) % 96) >> 4))) && (((((((int)blockIdx.x) % 56) >> 2) * 4) + ((((int)threadIdx.x) % 96) >> 4)) < 57)) && (1 <= (((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)))) && ((((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)) < 57)) {
    condval_24 = x_ptr[(((((((((int)threadIdx.x) / 96) * 3136) + (((((int)blockIdx.x) % 56) >> 2) * 224)) + (((((int)threadIdx.x) % 96) >> 4) * 56)) + ((((int)blockIdx.x) & 3) * 14)) + (((int)threadIdx.x) & 15)) + 87751)];
  } else {
    condval_24 = 0x0p+0f/*0.000000e+00*/;
  }
  dw_pad_shared_ptr[(((int)threadIdx.x) + 2688)] = condval_24;
  int cse_v34 = ((((int)threadIdx.x) + 2800) / 96);
  float condval_25;
  if ((((1 <= ((((((int)blockIdx.x) % 56) >> 2) * 4) + (((((int)threadIdx.x) >> 4) + 1) % 6))) && (((((((int)blockIdx.x) % 56) >> 2) * 4) + (((((int)threadIdx.x) >> 4) + 1) % 6)) < 57)) && (1 <= (((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)))) && ((((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)) < 57)) {
    condval_25 = x_ptr[((((((((((int)threadIdx.x) + 2800) / 96) * 3136) + (((((int)blockIdx.x) % 56) >> 2) * 224)) + ((((((int)threadIdx.x) >> 4) + 1) % 6) * 56)) + ((((int)blockIdx.x) & 3) * 14)) + (((int)threadIdx.x) & 15)) - 57)];
  } else {
    condval_25 = 0x0p+0f/*0.000000e+00*/;
  }
  dw_pad_shared_ptr[(((((((int)threadIdx.x) + 2800) / 96) * 96) + ((((((int)threadIdx.x) >> 4) + 1) % 6) * 16)) + (((int)threadIdx.x) & 15))] = condval_25;
  int cse_v35 = ((((int)threadIdx.x) + 2912) / 96);
  float condval_26;
  if ((((1 <= ((((((int)blockIdx.x) % 56) >> 2) * 4) + (((((int)threadIdx.x) >> 4) + 2) % 6))) && (((((((int)blockIdx.x) % 56) >> 2) * 4) + (((((int)threadIdx.x) >> 4) + 2) % 6)) < 57)) && (1 <= (((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)))) && ((((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)) < 57)) {
    condval_26 = x_ptr[((((((((((int)threadIdx.x) + 2912) / 96) * 3136) + (((((int)blockIdx.x) % 56) >> 2) * 224)) + ((((((int)threadIdx.x) >> 4) + 2) % 6) * 56)) + ((((int)blockIdx.x) & 3) * 14)) + (((int)threadIdx.x) & 15)) - 57)];
  } else {
    condval_26 = 0x0p+0f/*0.000000e+00*/;
  }
  dw_pad_shared_ptr[(((((((int)threadIdx.x) + 2912) / 96) * 96) + ((((((int)threadIdx.x) >> 4) + 2) % 6) * 16)) + (((int)threadIdx.x) & 15))] = condval_26;
  int cse_v36 = ((((int)threadIdx.x) + 3024) / 96);
  float condval_27;
  if ((((1 <= ((((((int)blockIdx.x) % 56) >> 2) * 4) + (((((int)threadIdx.x) >> 4) + 3) % 6))) && (((((((int)blockIdx.x) % 56) >> 2) * 4) + (((((int)threadIdx.x) >> 4) + 3) % 6)) < 57)) && (1 <= (((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)))) && ((((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)) < 57)) {
    condval_27 = x_ptr[((((((((((int)threadIdx.x) + 3024) / 96) * 3136) + (((((int)blockIdx.x) % 56) >> 2) * 224)) + ((((((int)threadIdx.x) >> 4) + 3) % 6) * 56)) + ((((int)blockIdx.x) & 3) * 14)) + (((int)threadIdx.x) & 15)) - 57)];
  } else {
    condval_27 = 0x0p+0f/*0.000000e+00*/;
  }
  dw_pad_shared_ptr[(((((((int)threadIdx.x) + 3024) / 96) * 96) + ((((((int)threadIdx.x) >> 4) + 3) % 6) * 16)) + (((int)threadIdx.x) & 15))] = condval_27;
  int cse_v37 = ((((int)threadIdx.x) + 3136) / 96);
  float condval_28;
  if ((((1 <= ((((((int)blockIdx.x) % 56) >> 2) * 4) + (((((int)threadIdx.x) >> 4) + 4) % 6))) && (((((((int)blockIdx.x) % 56) >> 2) * 4) + (((((int)threadIdx.x) >> 4) + 4) % 6)) < 57)) && (1 <= (((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)))) && ((((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)) < 57)) {
    condval_28 = x_ptr[((((((((((int)threadIdx.x) + 3136) / 96) * 3136) + (((((int)blockIdx.x) % 56) >> 2) * 224)) + ((((((int)threadIdx.x) >> 4) + 4) % 6) * 56)) + ((((int)blockIdx.x) & 3) * 14)) + (((int)threadIdx.x) & 15)) - 57)];
  } else {
    condval_28 = 0x0p+0f/*0.000000e+00*/;
  }
  dw_pad_shared_ptr[(((((((int)threadIdx.x) + 3136) / 96) * 96) + ((((((int)threadIdx.x) >> 4) + 4) % 6) * 16)) + (((int)threadIdx.x) & 15))] = condval_28;
  int cse_v38 = ((((int)threadIdx.x) + 3248) / 96);
  float condval_29;
  if ((((1 <= ((((((int)blockIdx.x) % 56) >> 2) * 4) + (((((int)threadIdx.x) >> 4) + 5) % 6))) && (((((((int)blockIdx.x) % 56) >> 2) * 4) + (((((int)threadIdx.x) >> 4) + 5) % 6)) < 57)) && (1 <= (((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)))) && ((((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)) < 57)) {
    condval_29 = x_ptr[((((((((((int)threadIdx.x) + 3248) / 96) * 3136) + (((((int)blockIdx.x) % 56) >> 2) * 224)) + ((((((int)threadIdx.x) >> 4) + 5) % 6) * 56)) + ((((int)blockIdx.x) & 3) * 14)) + (((int)threadIdx.x) & 15)) - 57)];
  } else {
    condval_29 = 0x0p+0f/*0.000000e+00*/;
  }
  dw_pad_shared_ptr[(((((((int)threadIdx.x) + 3248) / 96) * 96) + ((((((int)threadIdx.x) >> 4) + 5) % 6) * 16)) + (((int)threadIdx.x) & 15))] = condval_29;
  float condval_30;
  if ((((1 <= ((((((int)blockIdx.x) % 56) >> 2) * 4) + ((((int)threadIdx.x) % 96) >> 4))) && (((((((int)blockIdx.x) % 56) >> 2) * 4) + ((((int)threadIdx.x) % 96) >> 4)) < 57)) && (1 <= (((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)))) && ((((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)) < 57)) {
    condval_30 = x_ptr[(((((((((int)threadIdx.x) / 96) * 3136) + (((((int)blockIdx.x) % 56) >> 2) * 224)) + (((((int)threadIdx.x) % 96) >> 4) * 56)) + ((((int)blockIdx.x) & 3) * 14)) + (((int)threadIdx.x) & 15)) + 109703)];
  } else {
    condval_30 = 0x0p+0f/*0.000000e+00*/;
  }
  dw_pad_shared_ptr[(((int)threadIdx.x) + 3360)] = condval_30;
  int cse_v39 = ((((int)threadIdx.x) + 3472) / 96);
  float condval_31;
  if ((((1 <= ((((((int)blockIdx.x) % 56) >> 2) * 4) + (((((int)threadIdx.x) >> 4) + 1) % 6))) && (((((((int)blockIdx.x) % 56) >> 2) * 4) + (((((int)threadIdx.x) >> 4) + 1) % 6)) < 57)) && (1 <= (((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)))) && ((((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)) < 57)) {
    condval_31 = x_ptr[((((((((((int)threadIdx.x) + 3472) / 96) * 3136) + (((((int)blockIdx.x) % 56) >> 2) * 224)) + ((((((int)threadIdx.x) >> 4) + 1) % 6) * 56)) + ((((int)blockIdx.x) & 3) * 14)) + (((int)threadIdx.x) & 15)) - 57)];
  } else {
    condval_31 = 0x0p+0f/*0.000000e+00*/;
  }
  dw_pad_shared_ptr[(((((((int)threadIdx.x) + 3472) / 96) * 96) + ((((((int)threadIdx.x) >> 4) + 1) % 6) * 16)) + (((int)threadIdx.x) & 15))] = condval_31;
  int cse_v40 = ((((int)threadIdx.x) + 3584) / 96);
  float condval_32;
  if ((((1 <= ((((((int)blockIdx.x) % 56) >> 2) * 4) + (((((int)threadIdx.x) >> 4) + 2) % 6))) && (((((((int)blockIdx.x) % 56) >> 2) * 4) + (((((int)threadIdx.x) >> 4) + 2) % 6)) < 57)) && (1 <= (((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)))) && ((((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)) < 57)) {
    condval_32 = x_ptr[((((((((((int)threadIdx.x) + 3584) / 96) * 3136) + (((((int)blockIdx.x) % 56) >> 2) * 224)) + ((((((int)threadIdx.x) >> 4) + 2) % 6) * 56)) + ((((int)blockIdx.x) & 3) * 14)) + (((int)threadIdx.x) & 15)) - 57)];
  } else {
    condval_32 = 0x0p+0f/*0.000000e+00*/;
  }
  dw_pad_shared_ptr[(((((((int)threadIdx.x) + 3584) / 96) * 96) + ((((((int)threadIdx.x) >> 4) + 2) % 6) * 16)) + (((int)threadIdx.x) & 15))] = condval_32;
  int cse_v41 = ((((int)threadIdx.x) + 3696) / 96);
  float condval_33;
  if ((((1 <= ((((((int)blockIdx.x) % 56) >> 2) * 4) + (((((int)threadIdx.x) >> 4) + 3) % 6))) && (((((((int)blockIdx.x) % 56) >> 2) * 4) + (((((int)threadIdx.x) >> 4) + 3) % 6)) < 57)) && (1 <= (((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)))) && ((((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)) < 57)) {
    condval_33 = x_ptr[((((((((((int)threadIdx.x) + 3696) / 96) * 3136) + (((((int)blockIdx.x) % 56) >> 2) * 224)) + ((((((int)threadIdx.x) >> 4) + 3) % 6) * 56)) + ((((int)blockIdx.x) & 3) * 14)) + (((int)threadIdx.x) & 15)) - 57)];
  } else {
    condval_33 = 0x0p+0f/*0.000000e+00*/;
  }
  dw_pad_shared_ptr[(((((((int)threadIdx.x) + 3696) / 96) * 96) + ((((((int)threadIdx.x) >> 4) + 3) % 6) * 16)) + (((int)threadIdx.x) & 15))] = condval_33;
  int cse_v42 = ((((int)threadIdx.x) + 3808) / 96);
  float condval_34;
  if ((((1 <= ((((((int)blockIdx.x) % 56) >> 2) * 4) + (((((int)threadIdx.x) >> 4) + 4) % 6))) && (((((((int)blockIdx.x) % 56) >> 2) * 4) + (((((int)threadIdx.x) >> 4) + 4) % 6)) < 57)) && (1 <= (((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)))) && ((((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)) < 57)) {
    condval_34 = x_ptr[((((((((((int)threadIdx.x) + 3808) / 96) * 3136) + (((((int)blockIdx.x) % 56) >> 2) * 224)) + ((((((int)threadIdx.x) >> 4) + 4) % 6) * 56)) + ((((int)blockIdx.x) & 3) * 14)) + (((int)threadIdx.x) & 15)) - 57)];
  } else {
    condval_34 = 0x0p+0f/*0.000000e+00*/;
  }
  dw_pad_shared_ptr[(((((((int)threadIdx.x) + 3808) / 96) * 96) + ((((((int)threadIdx.x) >> 4) + 4) % 6) * 16)) + (((int)threadIdx.x) & 15))] = condval_34;
  int cse_v43 = ((((int)threadIdx.x) + 3920) / 96);
  float condval_35;
  if ((((1 <= ((((((int)blockIdx.x) % 56) >> 2) * 4) + (((((int)threadIdx.x) >> 4) + 5) % 6))) && (((((((int)blockIdx.x) % 56) >> 2) * 4) + (((((int)threadIdx.x) >> 4) + 5) % 6)) < 57)) && (1 <= (((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)))) && ((((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)) < 57)) {
    condval_35 = x_ptr[((((((((((int)threadIdx.x) + 3920) / 96) * 3136) + (((((int)blockIdx.x) % 56) >> 2) * 224)) + ((((((int)threadIdx.x) >> 4) + 5) % 6) * 56)) + ((((int)blockIdx.x) & 3) * 14)) + (((int)threadIdx.x) & 15)) - 57)];
  } else {
    condval_35 = 0x0p+0f/*0.000000e+00*/;
  }
  dw_pad_shared_ptr[(((((((int)threadIdx.x) + 3920) / 96) * 96) + ((((((int)threadIdx.x) >> 4) + 5) % 6) * 16)) + (((int)threadIdx.x) & 15))] = condval_35;
  float condval_36;
  if ((((1 <= ((((((int)blockIdx.x) % 56) >> 2) * 4) + ((((int)threadIdx.x) % 96) >> 4))) && (((((((int)blockIdx.x) % 56) >> 2) * 4) + ((((int)threadIdx.x) % 96) >> 4)) < 57)) && (1 <= (((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)))) && ((((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)) < 57)) {
    condval_36 = x_ptr[(((((((((int)threadIdx.x) / 96) * 3136) + (((((int)blockIdx.x) % 56) >> 2) * 224)) + (((((int)threadIdx.x) % 96) >> 4) * 56)) + ((((int)blockIdx.x) & 3) * 14)) + (((int)threadIdx.x) & 15)) + 131655)];
  } else {
    condval_36 = 0x0p+0f/*0.000000e+00*/;
  }
  dw_pad_shared_ptr[(((int)threadIdx.x) + 4032)] = condval_36;
  int cse_v44 = ((((int)threadIdx.x) + 4144) / 96);
  float condval_37;
  if ((((1 <= ((((((int)blockIdx.x) % 56) >> 2) * 4) + (((((int)threadIdx.x) >> 4) + 1) % 6))) && (((((((int)blockIdx.x) % 56) >> 2) * 4) + (((((int)threadIdx.x) >> 4) + 1) % 6)) < 57)) && (1 <= (((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)))) && ((((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)) < 57)) {
    condval_37 = x_ptr[((((((((((int)threadIdx.x) + 4144) / 96) * 3136) + (((((int)blockIdx.x) % 56) >> 2) * 224)) + ((((((int)threadIdx.x) >> 4) + 1) % 6) * 56)) + ((((int)blockIdx.x) & 3) * 14)) + (((int)threadIdx.x) & 15)) - 57)];
  } else {
    condval_37 = 0x0p+0f/*0.000000e+00*/;
  }
  dw_pad_shared_ptr[(((((((int)threadIdx.x) + 4144) / 96) * 96) + ((((((int)threadIdx.x) >> 4) + 1) % 6) * 16)) + (((int)threadIdx.x) & 15))] = condval_37;
  int cse_v45 = ((((int)threadIdx.x) + 4256) / 96);
  float condval_38;
  if ((((1 <= ((((((int)blockIdx.x) % 56) >> 2) * 4) + (((((int)threadIdx.x) >> 4) + 2) % 6))) && (((((((int)blockIdx.x) % 56) >> 2) * 4) + (((((int)threadIdx.x) >> 4) + 2) % 6)) < 57)) && (1 <= (((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)))) && ((((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)) < 57)) {
    condval_38 = x_ptr[((((((((((int)threadIdx.x) + 4256) / 96) * 3136) + (((((int)blockIdx.x) % 56) >> 2) * 224)) + ((((((int)threadIdx.x) >> 4) + 2) % 6) * 56)) + ((((int)blockIdx.x) & 3) * 14)) + (((int)threadIdx.x) & 15)) - 57)];
  } else {
    condval_38 = 0x0p+0f/*0.000000e+00*/;
  }
  dw_pad_shared_ptr[(((((((int)threadIdx.x) + 4256) / 96) * 96) + ((((((int)threadIdx.x) >> 4) + 2) % 6) * 16)) + (((int)threadIdx.x) & 15))] = condval_38;
  int cse_v46 = ((((int)threadIdx.x) + 4368) / 96);
  float condval_39;
  if ((((1 <= ((((((int)blockIdx.x) % 56) >> 2) * 4) + (((((int)threadIdx.x) >> 4) + 3) % 6))) && (((((((int)blockIdx.x) % 56) >> 2) * 4) + (((((int)threadIdx.x) >> 4) + 3) % 6)) < 57)) && (1 <= (((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)))) && ((((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)) < 57)) {
    condval_39 = x_ptr[((((((((((int)threadIdx.x) + 4368) / 96) * 3136) + (((((int)blockIdx.x) % 56) >> 2) * 224)) + ((((((int)threadIdx.x) >> 4) + 3) % 6) * 56)) + ((((int)blockIdx.x) & 3) * 14)) + (((int)threadIdx.x) & 15)) - 57)];
  } else {
    condval_39 = 0x0p+0f/*0.000000e+00*/;
  }
  dw_pad_shared_ptr[(((((((int)threadIdx.x) + 4368) / 96) * 96) + ((((((int)threadIdx.x) >> 4) + 3) % 6) * 16)) + (((int)threadIdx.x) & 15))] = condval_39;
  int cse_v47 = ((((int)threadIdx.x) + 4480) / 96);
  float condval_40;
  if ((((1 <= ((((((int)blockIdx.x) % 56) >> 2) * 4) + (((((int)threadIdx.x) >> 4) + 4) % 6))) && (((((((int)blockIdx.x) % 56) >> 2) * 4) + (((((int)threadIdx.x) >> 4) + 4) % 6)) < 57)) && (1 <= (((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)))) && ((((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)) < 57)) {
    condval_40 = x_ptr[((((((((((int)threadIdx.x) + 4480) / 96) * 3136) + (((((int)blockIdx.x) % 56) >> 2) * 224)) + ((((((int)threadIdx.x) >> 4) + 4) % 6) * 56)) + ((((int)blockIdx.x) & 3) * 14)) + (((int)threadIdx.x) & 15)) - 57)];
  } else {
    condval_40 = 0x0p+0f/*0.000000e+00*/;
  }
  dw_pad_shared_ptr[(((((((int)threadIdx.x) + 4480) / 96) * 96) + ((((((int)threadIdx.x) >> 4) + 4) % 6) * 16)) + (((int)threadIdx.x) & 15))] = condval_40;
  int cse_v48 = ((((int)threadIdx.x) + 4592) / 96);
  float condval_41;
  if ((((1 <= ((((((int)blockIdx.x) % 56) >> 2) * 4) + (((((int)threadIdx.x) >> 4) + 5) % 6))) && (((((((int)blockIdx.x) % 56) >> 2) * 4) + (((((int)threadIdx.x) >> 4) + 5) % 6)) < 57)) && (1 <= (((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)))) && ((((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)) < 57)) {
    condval_41 = x_ptr[((((((((((int)threadIdx.x) + 4592) / 96) * 3136) + (((((int)blockIdx.x) % 56) >> 2) * 224)) + ((((((int)threadIdx.x) >> 4) + 5) % 6) * 56)) + ((((int)blockIdx.x) & 3) * 14)) + (((int)threadIdx.x) & 15)) - 57)];
  } else {
    condval_41 = 0x0p+0f/*0.000000e+00*/;
  }
  dw_pad_shared_ptr[(((((((int)threadIdx.x) + 4592) / 96) * 96) + ((((((int)threadIdx.x) >> 4) + 5) % 6) * 16)) + (((int)threadIdx.x) & 15))] = condval_41;
  float condval_42;
  if ((((1 <= ((((((int)blockIdx.x) % 56) >> 2) * 4) + ((((int)threadIdx.x) % 96) >> 4))) && (((((((int)blockIdx.x) % 56) >> 2) * 4) + ((((int)threadIdx.x) % 96) >> 4)) < 57)) && (1 <= (((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)))) && ((((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)) < 57)) {
    condval_42 = x_ptr[(((((((((int)threadIdx.x) / 96) * 3136) + (((((int)blockIdx.x) % 56) >> 2) * 224)) + (((((int)threadIdx.x) % 96) >> 4) * 56)) + ((((int)blockIdx.x) & 3) * 14)) + (((int)threadIdx.x) & 15)) + 153607)];
  } else {
    condval_42 = 0x0p+0f/*0.000000e+00*/;
  }
  dw_pad_shared_ptr[(((int)threadIdx.x) + 4704)] = condval_42;
  int cse_v49 = ((((int)threadIdx.x) + 4816) / 96);
  float condval_43;
  if ((((1 <= ((((((int)blockIdx.x) % 56) >> 2) * 4) + (((((int)threadIdx.x) >> 4) + 1) % 6))) && (((((((int)blockIdx.x) % 56) >> 2) * 4) + (((((int)threadIdx.x) >> 4) + 1) % 6)) < 57)) && (1 <= (((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)))) && ((((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)) < 57)) {
    condval_43 = x_ptr[((((((((((int)threadIdx.x) + 4816) / 96) * 3136) + (((((int)blockIdx.x) % 56) >> 2) * 224)) + ((((((int)threadIdx.x) >> 4) + 1) % 6) * 56)) + ((((int)blockIdx.x) & 3) * 14)) + (((int)threadIdx.x) & 15)) - 57)];
  } else {
    condval_43 = 0x0p+0f/*0.000000e+00*/;
  }
  dw_pad_shared_ptr[(((((((int)threadIdx.x) + 4816) / 96) * 96) + ((((((int)threadIdx.x) >> 4) + 1) % 6) * 16)) + (((int)threadIdx.x) & 15))] = condval_43;
  int cse_v50 = ((((int)threadIdx.x) + 4928) / 96);
  float condval_44;
  if ((((1 <= ((((((int)blockIdx.x) % 56) >> 2) * 4) + (((((int)threadIdx.x) >> 4) + 2) % 6))) && (((((((int)blockIdx.x) % 56) >> 2) * 4) + (((((int)threadIdx.x) >> 4) + 2) % 6)) < 57)) && (1 <= (((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)))) && ((((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)) < 57)) {
    condval_44 = x_ptr[((((((((((int)threadIdx.x) + 4928) / 96) * 3136) + (((((int)blockIdx.x) % 56) >> 2) * 224)) + ((((((int)threadIdx.x) >> 4) + 2) % 6) * 56)) + ((((int)blockIdx.x) & 3) * 14)) + (((int)threadIdx.x) & 15)) - 57)];
  } else {
    condval_44 = 0x0p+0f/*0.000000e+00*/;
  }
  dw_pad_shared_ptr[(((((((int)threadIdx.x) + 4928) / 96) * 96) + ((((((int)threadIdx.x) >> 4) + 2) % 6) * 16)) + (((int)threadIdx.x) & 15))] = condval_44;
  int cse_v51 = ((((int)threadIdx.x) + 5040) / 96);
  float condval_45;
  if ((((1 <= ((((((int)blockIdx.x) % 56) >> 2) * 4) + (((((int)threadIdx.x) >> 4) + 3) % 6))) && (((((((int)blockIdx.x) % 56) >> 2) * 4) + (((((int)threadIdx.x) >> 4) + 3) % 6)) < 57)) && (1 <= (((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)))) && ((((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)) < 57)) {
    condval_45 = x_ptr[((((((((((int)threadIdx.x) + 5040) / 96) * 3136) + (((((int)blockIdx.x) % 56) >> 2) * 224)) + ((((((int)threadIdx.x) >> 4) + 3) % 6) * 56)) + ((((int)blockIdx.x) & 3) * 14)) + (((int)threadIdx.x) & 15)) - 57)];
  } else {
    condval_45 = 0x0p+0f/*0.000000e+00*/;
  }
  dw_pad_shared_ptr[(((((((int)threadIdx.x) + 5040) / 96) * 96) + ((((((int)threadIdx.x) >> 4) + 3) % 6) * 16)) + (((int)threadIdx.x) & 15))] = condval_45;
  int cse_v52 = ((((int)threadIdx.x) + 5152) / 96);
  float condval_46;
  if ((((1 <= ((((((int)blockIdx.x) % 56) >> 2) * 4) + (((((int)threadIdx.x) >> 4) + 4) % 6))) && (((((((int)blockIdx.x) % 56) >> 2) * 4) + (((((int)threadIdx.x) >> 4) + 4) % 6)) < 57)) && (1 <= (((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)))) && ((((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)) < 57)) {
    condval_46 = x_ptr[((((((((((int)threadIdx.x) + 5152) / 96) * 3136) + (((((int)blockIdx.x) % 56) >> 2) * 224)) + ((((((int)threadIdx.x) >> 4) + 4) % 6) * 56)) + ((((int)blockIdx.x) & 3) * 14)) + (((int)threadIdx.x) & 15)) - 57)];
  } else {
    condval_46 = 0x0p+0f/*0.000000e+00*/;
  }
  dw_pad_shared_ptr[(((((((int)threadIdx.x) + 5152) / 96) * 96) + ((((((int)threadIdx.x) >> 4) + 4) % 6) * 16)) + (((int)threadIdx.x) & 15))] = condval_46;
  int cse_v53 = ((((int)threadIdx.x) + 5264) / 96);
  float condval_47;
  if ((((1 <= ((((((int)blockIdx.x) % 56) >> 2) * 4) + (((((int)threadIdx.x) >> 4) + 5) % 6))) && (((((((int)blockIdx.x) % 56) >> 2) * 4) + (((((int)threadIdx.x) >> 4) + 5) % 6)) < 57)) && (1 <= (((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)))) && ((((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)) < 57)) {
    condval_47 = x_ptr[((((((((((int)threadIdx.x) + 5264) / 96) * 3136) + (((((int)blockIdx.x) % 56) >> 2) * 224)) + ((((((int)threadIdx.x) >> 4) + 5) % 6) * 56)) + ((((int)blockIdx.x) & 3) * 14)) + (((int)threadIdx.x) & 15)) - 57)];
  } else {
    condval_47 = 0x0p+0f/*0.000000e+00*/;
  }
  dw_pad_shared_ptr[(((((((int)threadIdx.x) + 5264) / 96) * 96) + ((((((int)threadIdx.x) >> 4) + 5) % 6) * 16)) + (((int)threadIdx.x) & 15))] = condval_47;
  float condval_48;
  if ((((1 <= ((((((int)blockIdx.x) % 56) >> 2) * 4) + ((((int)threadIdx.x) % 96) >> 4))) && (((((((int)blockIdx.x) % 56) >> 2) * 4) + ((((int)threadIdx.x) % 96) >> 4)) < 57)) && (1 <= (((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)))) && ((((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)) < 57)) {
    condval_48 = x_ptr[(((((((((int)threadIdx.x) / 96) * 3136) + (((((int)blockIdx.x) % 56) >> 2) * 224)) + (((((int)threadIdx.x) % 96) >> 4) * 56)) + ((((int)blockIdx.x) & 3) * 14)) + (((int)threadIdx.x) & 15)) + 175559)];
  } else {
    condval_48 = 0x0p+0f/*0.000000e+00*/;
  }
  dw_pad_shared_ptr[(((int)threadIdx.x) + 5376)] = condval_48;
  int cse_v54 = ((((int)threadIdx.x) + 5488) / 96);
  float condval_49;
  if ((((1 <= ((((((int)blockIdx.x) % 56) >> 2) * 4) + (((((int)threadIdx.x) >> 4) + 1) % 6))) && (((((((int)blockIdx.x) % 56) >> 2) * 4) + (((((int)threadIdx.x) >> 4) + 1) % 6)) < 57)) && (1 <= (((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)))) && ((((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)) < 57)) {
    condval_49 = x_ptr[((((((((((int)threadIdx.x) + 5488) / 96) * 3136) + (((((int)blockIdx.x) % 56) >> 2) * 224)) + ((((((int)threadIdx.x) >> 4) + 1) % 6) * 56)) + ((((int)blockIdx.x) & 3) * 14)) + (((int)threadIdx.x) & 15)) - 57)];
  } else {
    condval_49 = 0x0p+0f/*0.000000e+00*/;
  }
  dw_pad_shared_ptr[(((((((int)threadIdx.x) + 5488) / 96) * 96) + ((((((int)threadIdx.x) >> 4) + 1) % 6) * 16)) + (((int)threadIdx.x) & 15))] = condval_49;
  int cse_v55 = ((((int)threadIdx.x) + 5600) / 96);
  float condval_50;
  if ((((1 <= ((((((int)blockIdx.x) % 56) >> 2) * 4) + (((((int)threadIdx.x) >> 4) + 2) % 6))) && (((((((int)blockIdx.x) % 56) >> 2) * 4) + (((((int)threadIdx.x) >> 4) + 2) % 6)) < 57)) && (1 <= (((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)))) && ((((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)) < 57)) {
    condval_50 = x_ptr[((((((((((int)threadIdx.x) + 5600) / 96) * 3136) + (((((int)blockIdx.x) % 56) >> 2) * 224)) + ((((((int)threadIdx.x) >> 4) + 2) % 6) * 56)) + ((((int)blockIdx.x) & 3) * 14)) + (((int)threadIdx.x) & 15)) - 57)];
  } else {
    condval_50 = 0x0p+0f/*0.000000e+00*/;
  }
  dw_pad_shared_ptr[(((((((int)threadIdx.x) + 5600) / 96) * 96) + ((((((int)threadIdx.x) >> 4) + 2) % 6) * 16)) + (((int)threadIdx.x) & 15))] = condval_50;
  int cse_v56 = ((((int)threadIdx.x) + 5712) / 96);
  float condval_51;
  if ((((1 <= ((((((int)blockIdx.x) % 56) >> 2) * 4) + (((((int)threadIdx.x) >> 4) + 3) % 6))) && (((((((int)blockIdx.x) % 56) >> 2) * 4) + (((((int)threadIdx.x) >> 4) + 3) % 6)) < 57)) && (1 <= (((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)))) && ((((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)) < 57)) {
    condval_51 = x_ptr[((((((((((int)threadIdx.x) + 5712) / 96) * 3136) + (((((int)blockIdx.x) % 56) >> 2) * 224)) + ((((((int)threadIdx.x) >> 4) + 3) % 6) * 56)) + ((((int)blockIdx.x) & 3) * 14)) + (((int)threadIdx.x) & 15)) - 57)];
  } else {
    condval_51 = 0x0p+0f/*0.000000e+00*/;
  }
  dw_pad_shared_ptr[(((((((int)threadIdx.x) + 5712) / 96) * 96) + ((((((int)threadIdx.x) >> 4) + 3) % 6) * 16)) + (((int)threadIdx.x) & 15))] = condval_51;
  int cse_v57 = ((((int)threadIdx.x) + 5824) / 96);
  float condval_52;
  if ((((1 <= ((((((int)blockIdx.x) % 56) >> 2) * 4) + (((((int)threadIdx.x) >> 4) + 4) % 6))) && (((((((int)blockIdx.x) % 56) >> 2) * 4) + (((((int)threadIdx.x) >> 4) + 4) % 6)) < 57)) && (1 <= (((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)))) && ((((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)) < 57)) {
    condval_52 = x_ptr[((((((((((int)threadIdx.x) + 5824) / 96) * 3136) + (((((int)blockIdx.x) % 56) >> 2) * 224)) + ((((((int)threadIdx.x) >> 4) + 4) % 6) * 56)) + ((((int)blockIdx.x) & 3) * 14)) + (((int)threadIdx.x) & 15)) - 57)];
  } else {
    condval_52 = 0x0p+0f/*0.000000e+00*/;
  }
  dw_pad_shared_ptr[(((((((int)threadIdx.x) + 5824) / 96) * 96) + ((((((int)threadIdx.x) >> 4) + 4) % 6) * 16)) + (((int)threadIdx.x) & 15))] = condval_52;
  int cse_v58 = ((((int)threadIdx.x) + 5936) / 96);
  float condval_53;
  if ((((1 <= ((((((int)blockIdx.x) % 56) >> 2) * 4) + (((((int)threadIdx.x) >> 4) + 5) % 6))) && (((((((int)blockIdx.x) % 56) >> 2) * 4) + (((((int)threadIdx.x) >> 4) + 5) % 6)) < 57)) && (1 <= (((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)))) && ((((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)) < 57)) {
    condval_53 = x_ptr[((((((((((int)threadIdx.x) + 5936) / 96) * 3136) + (((((int)blockIdx.x) % 56) >> 2) * 224)) + ((((((int)threadIdx.x) >> 4) + 5) % 6) * 56)) + ((((int)blockIdx.x) & 3) * 14)) + (((int)threadIdx.x) & 15)) - 57)];
  } else {
    condval_53 = 0x0p+0f/*0.000000e+00*/;
  }
  dw_pad_shared_ptr[(((((((int)threadIdx.x) + 5936) / 96) * 96) + ((((((int)threadIdx.x) >> 4) + 5) % 6) * 16)) + (((int)threadIdx.x) & 15))] = condval_53;
  if (((int)threadIdx.x) < 96) {
    int cse_v87 = ((((((int)blockIdx.x) % 56) >> 2) * 4) + (((int)threadIdx.x) >> 4));
    float condval_54;
    if ((((1 <= ((((((int)blockIdx.x) % 56) >> 2) * 4) + (((int)threadIdx.x) >> 4))) && (((((((int)blockIdx.x) % 56) >> 2) * 4) + (((int)threadIdx.x) >> 4)) < 57)) && (1 <= (((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)))) && ((((((int)blockIdx.x) & 3) * 14) + (((int)threadIdx.x) & 15)) < 57)) {
      condval_54 = x_ptr[(((((((((int)blockIdx.x) % 56) >> 2) * 224) + ((((int)threadIdx.x) >> 4) * 56)) + ((((int)blockIdx.x) & 3) * 14)) + (((int)threadIdx.x) & 15)) + 197511)];
    } else {
      condval_54 = 0x0p+0f/*0.000000e+00*/;
    }
    dw_pad_shared_ptr[(((int)threadIdx.x) + 6048)] = condval_54;
  }
  int cse_v8 = (((int)threadIdx.x) % 14);
  __syncthreads();
  for (int ax0_ax1_ax2_ax3_fused_0 = 0; ax0_ax1_ax2_ax3_fused_0 < 32; ++ax0_ax1_ax2_ax3_fused_0) {
    dw_local_ptr[0] = 0x0p+0f/*0.000000e+00*/;
    int cse_v7 = (((int)threadIdx.x) / 56);
    int cse_v67 = ((ax0_ax1_ax2_ax3_fused_0 * 18) + ((((int)threadIdx.x) / 56) * 9));
    int cse_v97 = ((((ax0_ax1_ax2_ax3_fused_0 * 192) + ((((int)threadIdx.x) / 56) * 96)) + (((((int)threadIdx.x) % 56) / 14) * 16)) + (((int)threadIdx.x) % 14));
    dw_local_ptr[0] = (dw_local_ptr[0] + (dw_pad_shared_ptr[((((ax0_ax1_ax2_ax3_fused_0 * 192) + ((((int)threadIdx.x) / 56) * 96)) + (((((int)threadIdx.x) % 56) / 14) * 16)) + (((int)threadIdx.x) % 14))] * dw_w_ptr[((ax0_ax1_ax2_ax3_fused_0 * 18) + ((((int)threadIdx.x) / 56) * 9))]));
    dw_local_ptr[0] = (dw_local_ptr[0] + (dw_pad_shared_ptr[(((((ax0_ax1_ax2_ax3_fused_0 * 192) + ((((int)threadIdx.x) / 56) * 96)) + (((((int)threadIdx.x) % 56) / 14) * 16)) + (((int)threadIdx.x) % 14)) + 1)] * dw_w_ptr[(((ax0_ax1_ax2_ax3_fused_0 * 18) + ((((int)threadIdx.x) / 56) * 9)) + 1)]));
    dw_local_ptr[0] = (dw_local_ptr[0] + (dw_pad_shared_ptr[(((((ax0_ax1_ax2_ax3_fused_0 * 192) + ((((int)threadIdx.x) / 56) * 96)) + (((((int)threadIdx.x) % 56) / 14) * 16)) + (((int)threadIdx.x) % 14)) + 2)] * dw_w_ptr[(((ax0_ax1_ax2_ax3_fused_0 * 18) + ((((int)threadIdx.x) / 56) * 9)) + 2)]));
    dw_local_ptr[0] = (dw_local_ptr[0] + (dw_pad_shared_ptr[(((((ax0_ax1_ax2_ax3_fused_0 * 192) + ((((int)threadIdx.x) / 56) * 96)) + (((((int)threadIdx.x) % 56) / 14) * 16)) + (((int)threadIdx.x) % 14)) + 16)] * dw_w_ptr[(((ax0_ax1_ax2_ax3_fused_0 * 18) + ((((int)threadIdx.x) / 56) * 9)) + 3)]));
    dw_local_ptr[0] = (dw_local_ptr[0] + (dw_pad_shared_ptr[(((((ax0_ax1_ax2_ax3_fused_0 * 192) + ((((int)threadIdx.x) / 56) * 96)) + (((((int)threadIdx.x) % 56) / 14) * 16)) + (((int)threadIdx.x) % 14)) + 17)] * dw_w_ptr[(((ax0_ax1_ax2_ax3_fused_0 * 18) + ((((int)threadIdx.x) / 56) * 9)) + 4)]));
    dw_local_ptr[0] = (dw_local_ptr[0] + (dw_pad_shared_ptr[(((((ax0_ax1_ax2_ax3_fused_0 * 192) + ((((int)threadIdx.x) / 56) * 96)) + (((((int)threadIdx.x) % 56) / 14) * 16)) + (((int)threadIdx.x) % 14)) + 18)] * dw_w_ptr[(((ax0_ax1_ax2_ax3_fused_0 * 18) + ((((int)threadIdx.x) / 56) * 9)) + 5)]));
    dw_local_ptr[0] = (dw_local_ptr[0] + (dw_pad_shared_ptr[(((((ax0_ax1_ax2_ax3_fused_0 * 192) + ((((int)threadIdx.x) / 56) * 96)) + (((((int)threadIdx.x) % 56) / 14) * 16)) + (((int)threadIdx.x) % 14)) + 32)] * dw_w_ptr[(((ax0_ax1_ax2_ax3_fused_0 * 18) + ((((int)threadIdx.x) / 56) * 9)) + 6)]));
    dw_local_ptr[0] = (dw_local_ptr[0] + (dw_pad_shared_ptr[(((((ax0_ax1_ax2_ax3_fused_0 * 192) + ((((int)threadIdx.x) / 56) * 96)) + (((((int)threadIdx.x) % 56) / 14) * 16)) + (((int)threadIdx.x) % 14)) + 33)] * dw_w_ptr[(((ax0_ax1_ax2_ax3_fused_0 * 18) + ((((int)threadIdx.x) / 56) * 9)) + 7)]));
    dw_local_ptr[0] = (dw_local_ptr[0] + (dw_pad_shared_ptr[(((((ax0_ax1_ax2_ax3_fused_0 * 192) + ((((int)threadIdx.x) / 56) * 96)) + (((((int)threadIdx.x) % 56) / 14) * 16)) + (((int)threadIdx.x) % 14)) + 34)] * dw_w_ptr[(((ax0_ax1_ax2_ax3_fused_0 * 18) + ((((int)threadIdx.x) / 56) * 9)) + 8)]));
    dw_shared_ptr[((ax0_ax1_ax2_ax3_fused_0 * 112) + ((int)threadIdx.x))] = dw_local_ptr[0];
  }
  pw_local_ptr[0] = 0x0p+0f/*0.000000e+00*/;
  pw_local_ptr[1] = 0x0p+0f/*0.000000e+00*/;
  pw_local_ptr[2] = 0x0p+0f/*0.000000e+00*/;
  pw_local_ptr[3] = 0x0p+0f/*0.000000e+00*/;
  pw_local_ptr[4] = 0x0p+0f/*0.000000e+00*/;
  pw_local_ptr[5] = 0x0p+0f/*0.000000e+00*/;
  pw_local_ptr[6] = 0x0p+0f/*0.000000e+00*/;
  pw_local_ptr[7] = 0x0p+0f/*0.000000e+00*/;
  pw_local_ptr[8] = 0x0p+0f/*0.000000e+00*/;
  pw_local_ptr[9] = 0x0p+0f/*0.000000e+00*/;
  pw_local_ptr[10] = 0x0p+0f/*0.000000e+00*/;
  pw_local_ptr[11] = 0x0p+0f/*0.000000e+00*/;
  pw_local_ptr[12] = 0x0p+0f/*0.000000e+00*/;
  pw_local_ptr[13] = 0x0p+0f/*0.000000e+00*/;
  pw_local_ptr[14] = 0x0p+0f/*0.000000e+00*/;
  pw_local_ptr[15] = 0x0p+0f/*0.000000e+00*/;
  int cse_v9 = (((int)blockIdx.x) / 56);
  int cse_v10 = (((int)threadIdx.x) / 14);
  for (int rc_0 = 0; rc_0 < 4; ++rc_0) {
    int cse_v98 = (((((((int)blockIdx.x) / 56) * 2048) + ((((int)threadIdx.x) >> 4) * 64)) + (rc_0 * 16)) + (((int)threadIdx.x) & 15));
    __syncthreads();
    dw_pad_shared_ptr[((int)threadIdx.x)] = pw_w_ptr[(((((((int)blockIdx.x) / 56) * 2048) + ((((int)threadIdx.x) >> 4) * 64)) + (rc_0 * 16)) + (((int)threadIdx.x) & 15))];
    dw_pad_shared_ptr[(((int)threadIdx.x) + 112)] = pw_w_ptr[((((((((int)blockIdx.x) / 56) * 2048) + ((((int)threadIdx.x) >> 4) * 64)) + (rc_0 * 16)) + (((int)threadIdx.x) & 15)) + 448)];
    dw_pad_shared_ptr[(((int)threadIdx.x) + 224)] = pw_w_ptr[((((((((int)blockIdx.x) / 56) * 2048) + ((((int)threadIdx.x) >> 4) * 64)) + (rc_0 * 16)) + (((int)threadIdx.x) & 15)) + 896)];
    dw_pad_shared_ptr[(((int)threadIdx.x) + 336)] = pw_w_ptr[((((((((int)blockIdx.x) / 56) * 2048) + ((((int)threadIdx.x) >> 4) * 64)) + (rc_0 * 16)) + (((int)threadIdx.x) & 15)) + 1344)];
    if (((int)threadIdx.x) < 64) {
      dw_pad_shared_ptr[(((int)threadIdx.x) + 448)] = pw_w_ptr[((((((((int)blockIdx.x) / 56) * 2048) + ((((int)threadIdx.x) >> 4) * 64)) + (rc_0 * 16)) + (((int)threadIdx.x) & 15)) + 1792)];
    }
    __syncthreads();
    for (int rc_1 = 0; rc_1 < 16; ++rc_1) {
      int cse_v68 = (((rc_0 * 896) + (rc_1 * 56)) + (((int)threadIdx.x) % 14));
      int cse_v69 = (((((int)threadIdx.x) / 14) * 64) + rc_1);
      pw_local_ptr[0] = (pw_local_ptr[0] + (dw_shared_ptr[(((rc_0 * 896) + (rc_1 * 56)) + (((int)threadIdx.x) % 14))] * dw_pad_shared_ptr[(((((int)threadIdx.x) / 14) * 64) + rc_1)]));
      int cse_v88 = ((((rc_0 * 896) + (rc_1 * 56)) + (((int)threadIdx.x) % 14)) + 14);
      pw_local_ptr[1] = (pw_local_ptr[1] + (dw_shared_ptr[((((rc_0 * 896) + (rc_1 * 56)) + (((int)threadIdx.x) % 14)) + 14)] * dw_pad_shared_ptr[(((((int)threadIdx.x) / 14) * 64) + rc_1)]));
      int cse_v89 = ((((rc_0 * 896) + (rc_1 * 56)) + (((int)threadIdx.x) % 14)) + 28);
      pw_local_ptr[2] = (pw_local_ptr[2] + (dw_shared_ptr[((((rc_0 * 896) + (rc_1 * 56)) + (((int)threadIdx.x) % 14)) + 28)] * dw_pad_shared_ptr[(((((int)threadIdx.x) / 14) * 64) + rc_1)]));
      int cse_v90 = ((((rc_0 * 896) + (rc_1 * 56)) + (((int)threadIdx.x) % 14)) + 42);
      pw_local_ptr[3] = (pw_local_ptr[3] + (dw_shared_ptr[((((rc_0 * 896) + (rc_1 * 56)) + (((int)threadIdx.x) % 14)) + 42)] * dw_pad_shared_ptr[(((((int)threadIdx.x) / 14) * 64) + rc_1)]));
      int cse_v91 = ((((((int)threadIdx.x) / 14) * 64) + rc_1) + 16);
      pw_local_ptr[4] = (pw_local_ptr[4] + (dw_shared_ptr[(((rc_0 * 896) + (rc_1 * 56)) + (((int)threadIdx.x) % 14))] * dw_pad_shared_ptr[((((((int)threadIdx.x) / 14) * 64) + rc_1) + 16)]));
      pw_local_ptr[5] = (pw_local_ptr[5] + (dw_shared_ptr[((((rc_0 * 896) + (rc_1 * 56)) + (((int)threadIdx.x) % 14)) + 14)] * dw_pad_shared_ptr[((((((int)threadIdx.x) / 14) * 64) + rc_1) + 16)]));
      pw_local_ptr[6] = (pw_local_ptr[6] + (dw_shared_ptr[((((rc_0 * 896) + (rc_1 * 56)) + (((int)threadIdx.x) % 14)) + 28)] * dw_pad_shared_ptr[((((((int)threadIdx.x) / 14) * 64) + rc_1) + 16)]));
      pw_local_ptr[7] = (pw_local_ptr[7] + (dw_shared_ptr[((((rc_0 * 896) + (rc_1 * 56)) + (((int)threadIdx.x) % 14)) + 42)] * dw_pad_shared_ptr[((((((int)threadIdx.x) / 14) * 64) + rc_1) + 16)]));
      int cse_v92 = ((((((int)threadIdx.x) / 14) * 64) + rc_1) + 32);
      pw_local_ptr[8] = (pw_local_ptr[8] + (dw_shared_ptr[(((rc_0 * 896) + (rc_1 * 56)) + (((int)threadIdx.x) % 14))] * dw_pad_shared_ptr[((((((int)threadIdx.x) / 14) * 64) + rc_1) + 32)]));
      pw_local_ptr[9] = (pw_local_ptr[9] + (dw_shared_ptr[((((rc_0 * 896) + (rc_1 * 56)) + (((int)threadIdx.x) % 14)) + 14)] * dw_pad_shared_ptr[((((((int)threadIdx.x) / 14) * 64) + rc_1) + 32)]));
      pw_local_ptr[10] = (pw_local_ptr[10] + (dw_shared_ptr[((((rc_0 * 896) + (rc_1 * 56)) + (((int)threadIdx.x) % 14)) + 28)] * dw_pad_shared_ptr[((((((int)threadIdx.x) / 14) * 64) + rc_1) + 32)]));
      pw_local_ptr[11] = (pw_local_ptr[11] + (dw_shared_ptr[((((rc_0 * 896) + (rc_1 * 56)) + (((int)threadIdx.x) % 14)) + 42)] * dw_pad_shared_ptr[((((((int)threadIdx.x) / 14) * 64) + rc_1) + 32)]));
      int cse_v93 = ((((((int)threadIdx.x) / 14) * 64) + rc_1) + 48);
      pw_local_ptr[12] = (pw_local_ptr[12] + (dw_shared_ptr[(((rc_0 * 896) + (rc_1 * 56)) + (((int)threadIdx.x) % 14))] * dw_pad_shared_ptr[((((((int)threadIdx.x) / 14) * 64) + rc_1) + 48)]));
      pw_local_ptr[13] = (pw_local_ptr[13] + (dw_shared_ptr[((((rc_0 * 896) + (rc_1 * 56)) + (((int)threadIdx.x) % 14)) + 14)] * dw_pad_shared_ptr[((((((int)threadIdx.x) / 14) * 64) + rc_1) + 48)]));
      pw_local_ptr[14] = (pw_local_ptr[14] + (dw_shared_ptr[((((rc_0 * 896) + (rc_1 * 56)) + (((int)threadIdx.x) % 14)) + 28)] * dw_pad_shared_ptr[((((((int)threadIdx.x) / 14) * 64) + rc_1) + 48)]));
      pw_local_ptr[15] = (pw_local_ptr[15] + (dw_shared_ptr[((((rc_0 * 896) + (rc_1 * 56)) + (((int)threadIdx.x) % 14)) + 42)] * dw_pad_shared_ptr[((((((int)threadIdx.x) / 14) * 64) + rc_1) + 48)]));
    }
  }
  int cse_v70 = (((((int)blockIdx.x) / 56) * 32) + ((((int)threadIdx.x) / 14) * 4));
  int cse_v99 = ((((((((int)blockIdx.x) / 56) * 100352) + ((((int)threadIdx.x) / 14) * 12544)) + (((((int)blockIdx.x) % 56) >> 2) * 224)) + ((((int)blockIdx.x) & 3) * 14)) + (((int)threadIdx.x) % 14));
  pw_out_ptr[((((((((int)blockIdx.x) / 56) * 100352) + ((((int)threadIdx.x) / 14) * 12544)) + (((((int)blockIdx.x) % 56) >> 2) * 224)) + ((((int)blockIdx.x) & 3) * 14)) + (((int)threadIdx.x) % 14))] = (pw_local_ptr[0] + b_ptr[(((((int)blockIdx.x) / 56) * 32) + ((((int)threadIdx.x) / 14) * 4))]);
  pw_out_ptr[(((((((((int)blockIdx.x) / 56) * 100352) + ((((int)threadIdx.x) / 14) * 12544)) + (((((int)blockIdx.x) % 56) >> 2) * 224)) + ((((int)blockIdx.x) & 3) * 14)) + (((int)threadIdx.x) % 14)) + 56)] = (pw_local_ptr[1] + b_ptr[(((((int)blockIdx.x) / 56) * 32) + ((((int)threadIdx.x) / 14) * 4))]);
  pw_out_ptr[(((((((((int)blockIdx.x) / 56) * 100352) + ((((int)threadIdx.x) / 14) * 12544)) + (((((int)blockIdx.x) % 56) >> 2) * 224)) + ((((int)blockIdx.x) & 3) * 14)) + (((int)threadIdx.x) % 14)) + 112)] = (pw_local_ptr[2] + b_ptr[(((((int)blockIdx.x) / 56) * 32) + ((((int)threadIdx.x) / 14) * 4))]);
  pw_out_ptr[(((((((((int)blockIdx.x) / 56) * 100352) + ((((int)threadIdx.x) / 14) * 12544)) + (((((int)blockIdx.x) % 56) >> 2) * 224)) + ((((int)blockIdx.x) & 3) * 14)) + (((int)threadIdx.x) % 14)) + 168)] = (pw_local_ptr[3] + b_ptr[(((((int)blockIdx.x) / 56) * 32) + ((((int)threadIdx.x) / 14) * 4))]);
  int cse_v94 = ((((((int)blockIdx.x) / 56) * 32) + ((((int)threadIdx.x) / 14) * 4)) + 1);
  pw_out_ptr[(((((((((int)blockIdx.x) / 56) * 100352) + ((((int)threadIdx.x) / 14) * 12544)) + (((((int)blockIdx.x) % 56) >> 2) * 224)) + ((((int)blockIdx.x) & 3) * 14)) + (((int)threadIdx.x) % 14)) + 3136)] = (pw_local_ptr[4] + b_ptr[((((((int)blockIdx.x) / 56) * 32) + ((((int)threadIdx.x) / 14) * 4)) + 1)]);
  pw_out_ptr[(((((((((int)blockIdx.x) / 56) * 100352) + ((((int)threadIdx.x) / 14) * 12544)) + (((((int)blockIdx.x) % 56) >> 2) * 224)) + ((((int)blockIdx.x) & 3) * 14)) + (((int)threadIdx.x) % 14)) + 3192)] = (pw_local_ptr[5] + b_ptr[((((((int)blockIdx.x) / 56) * 32) + ((((int)threadIdx.x) / 14) * 4)) + 1)]);
  pw_out_ptr[(((((((((int)blockIdx.x) / 56) * 100352) + ((((int)threadIdx.x) / 14) * 12544)) + (((((int)blockIdx.x) % 56) >> 2) * 224)) + ((((int)blockIdx.x) & 3) * 14)) + (((int)threadIdx.x) % 14)) + 3248)] = (pw_local_ptr[6] + b_ptr[((((((int)blockIdx.x) / 56) * 32) + ((((int)threadIdx.x) / 14) * 4)) + 1)]);
  pw_out_ptr[(((((((((int)blockIdx.x) / 56) * 100352) + ((((int)threadIdx.x) / 14) * 12544)) + (((((int)blockIdx.x) % 56) >> 2) * 224)) + ((((int)blockIdx.x) & 3) * 14)) + (((int)threadIdx.x) % 14)) + 3304)] = (pw_local_ptr[7] + b_ptr[((((((int)blockIdx.x) / 56) * 32) + ((((int)threadIdx.x) / 14) * 4)) + 1)]);
  int cse_v95 = ((((((int)blockIdx.x) / 56) * 32) + ((((int)threadIdx.x) / 14) * 4)) + 2);
  pw_out_ptr[(((((((((int)blockIdx.x) / 56) * 100352) + ((((int)threadIdx.x) / 14) * 12544)) + (((((int)blockIdx.x) % 56) >> 2) * 224)) + ((((int)blockIdx.x) & 3) * 14)) + (((int)threadIdx.x) % 14)) + 6272)] = (pw_local_ptr[8] + b_ptr[((((((int)blockIdx.x) / 56) * 32) + ((((int)threadIdx.x) / 14) * 4)) + 2)]);
  pw_out_ptr[(((((((((int)blockIdx.x) / 56) * 100352) + ((((int)threadIdx.x) / 14) * 12544)) + (((((int)blockIdx.x) % 56) >> 2) * 224)) + ((((int)blockIdx.x) & 3) * 14)) + (((int)threadIdx.x) % 14)) + 6328)] = (pw_local_ptr[9] + b_ptr[((((((int)blockIdx.x) / 56) * 32) + ((((int)threadIdx.x) / 14) * 4)) + 2)]);
  pw_out_ptr[(((((((((int)blockIdx.x) / 56) * 100352) + ((((int)threadIdx.x) / 14) * 12544)) + (((((int)blockIdx.x) % 56) >> 2) * 224)) + ((((int)blockIdx.x) & 3) * 14)) + (((int)threadIdx.x) % 14)) + 6384)] = (pw_local_ptr[10] + b_ptr[((((((int)blockIdx.x) / 56) * 32) + ((((int)threadIdx.x) / 14) * 4)) + 2)]);
  pw_out_ptr[(((((((((int)blockIdx.x) / 56) * 100352) + ((((int)threadIdx.x) / 14) * 12544)) + (((((int)blockIdx.x) % 56) >> 2) * 224)) + ((((int)blockIdx.x) & 3) * 14)) + (((int)threadIdx.x) % 14)) + 6440)] = (pw_local_ptr[11] + b_ptr[((((((int)blockIdx.x) / 56) * 32) + ((((int)threadIdx.x) / 14) * 4)) + 2)]);
  int cse_v96 = ((((((int)blockIdx.x) / 56) * 32) + ((((int)threadIdx.x) / 14) * 4)) + 3);
  pw_out_ptr[(((((((((int)blockIdx.x) / 56) * 100352) + ((((int)threadIdx.x) / 14) * 12544)) + (((((int)blockIdx.x) % 56) >> 2) * 224)) + ((((int)blockIdx.x) & 3) * 14)) + (((int)threadIdx.x) % 14)) + 9408)] = (pw_local_ptr[12] + b_ptr[((((((int)blockIdx.x) / 56) * 32) + ((((int)threadIdx.x) / 14) * 4)) + 3)]);
  pw_out_ptr[(((((((((int)blockIdx.x) / 56) * 100352) + ((((int)threadIdx.x) / 14) * 12544)) + (((((int)blockIdx.x) % 56) >> 2) * 224)) + ((((int)blockIdx.x) & 3) * 14)) + (((int)threadIdx.x) % 14)) + 9464)] = (pw_local_ptr[13] + b_ptr[((((((int)blockIdx.x) / 56) * 32) + ((((int)threadIdx.x) / 14) * 4)) + 3)]);
  pw_out_ptr[(((((((((int)blockIdx.x) / 56) * 100352) + ((((int)threadIdx.x) / 14) * 12544)) + (((((int)blockIdx.x) % 56) >> 2) * 224)) + ((((int)blockIdx.x) & 3) * 14)) + (((int)threadIdx.x) % 14)) + 9520)] = (pw_local_ptr[14] + b_ptr[((((((int)blockIdx.x) / 56) * 32) + ((((int)threadIdx.x) / 14) * 4)) + 3)]);
  pw_out_ptr[(((((((((int)blockIdx.x) / 56) * 100352) + ((((int)threadIdx.x) / 14) * 12544)) + (((((int)blockIdx.x) % 56) >> 2) * 224)) + ((((int)blockIdx.x) & 3) * 14)) + (((int)threadIdx.x) % 14)) + 9576)] = (pw_local_ptr[15] + b_ptr[((((((int)blockIdx.x) / 56) * 32) + ((((int)threadIdx.x) / 14) * 4)) + 3)]);
}

