
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
extern "C" __global__ void __launch_bounds__(224) main_kernel(float* __restrict__ conv_ptr, float* __restrict__ w_ptr, float* __restrict__ x_ptr);
extern "C" __global__ void __launch_bounds__(224) main_kernel(float* __restrict__ conv_ptr, float* __restrict__ w_ptr, float* __restrict__ x_ptr) {
  alignas(64) float conv_local_ptr[8];
  __shared__ alignas(64) float conv_pad_shared_ptr[1200];
  __shared__ alignas(64) float w_shared_ptr[2520];
  conv_local_ptr[0] = 0x0p+0f/*0.000000e+00*/;
  conv_local_ptr[1] = 0x0p+0f/*0.000000e+00*/;
  conv_local_ptr[2] = 0x0p+0f/*0.000000e+00*/;
  conv_local_ptr[3] = 0x0p+0f/*0.000000e+00*/;
  conv_local_ptr[4] = 0x0p+0f/*0.000000e+00*/;
  conv_local_ptr[5] = 0x0p+0f/*0.000000e+00*/;
  conv_local_ptr[6] = 0x0p+0f/*0.000000e+00*/;
  conv_local_ptr[7] = 0x0p+0f/*0.000000e+00*/;
  int cse_v9 = (((int)blockIdx.x) / 56);
  int cse_v15 = (((int)threadIdx.x) % 28);
  int cse_v16 = (((int)threadIdx.x) / 28);
  int cse_v17 = ((((int)blockIdx.x) % 56) >> 1);
  int cse_v19 = ((((int)blockIdx.x) & 1) * 28);
  int cse_v28 = (((((int)blockIdx.x) % 56) >> 1) * 112);
  for (int rc_0 = 0; rc_0 < 8; ++rc_0) {
    int cse_v1 = (((int)threadIdx.x) % 30);
    int cse_v2 = (rc_0 * 25088);
    int cse_v18 = ((((int)threadIdx.x) % 120) / 30);
    int cse_v26 = (((((int)blockIdx.x) % 56) >> 1) * 2);
    int cse_v27 = (((((int)blockIdx.x) & 1) * 28) + (((int)threadIdx.x) % 30));
    int cse_v34 = ((((((int)blockIdx.x) % 56) >> 1) * 2) + ((((int)threadIdx.x) % 120) / 30));
    __syncthreads();
    float condval;
    if ((((1 <= ((((((int)blockIdx.x) % 56) >> 1) * 2) + ((((int)threadIdx.x) % 120) / 30))) && (((((((int)blockIdx.x) % 56) >> 1) * 2) + ((((int)threadIdx.x) % 120) / 30)) < 57)) && (1 <= (((((int)blockIdx.x) & 1) * 28) + (((int)threadIdx.x) % 30)))) && ((((((int)blockIdx.x) & 1) * 28) + (((int)threadIdx.x) % 30)) < 57)) {
      condval = x_ptr[(((((((rc_0 * 25088) + ((((int)threadIdx.x) / 120) * 3136)) + (((((int)blockIdx.x) % 56) >> 1) * 112)) + (((((int)threadIdx.x) % 120) / 30) * 56)) + ((((int)blockIdx.x) & 1) * 28)) + (((int)threadIdx.x) % 30)) - 57)];
    } else {
      condval = 0x0p+0f/*0.000000e+00*/;
    }
    conv_pad_shared_ptr[((int)threadIdx.x)] = condval;
    int cse_v3 = (((int)threadIdx.x) >> 1);
    int cse_v4 = (((int)threadIdx.x) + 224);
    int cse_v20 = ((((int)threadIdx.x) + 14) % 30);
    int cse_v29 = (((((int)blockIdx.x) & 1) * 28) + ((((int)threadIdx.x) + 14) % 30));
    int cse_v35 = ((((((int)threadIdx.x) >> 1) + 52) % 60) / 15);
    int cse_v44 = ((((((int)blockIdx.x) % 56) >> 1) * 2) + ((((((int)threadIdx.x) >> 1) + 52) % 60) / 15));
    float condval_1;
    if ((((1 <= ((((((int)blockIdx.x) % 56) >> 1) * 2) + ((((((int)threadIdx.x) >> 1) + 52) % 60) / 15))) && (((((((int)blockIdx.x) % 56) >> 1) * 2) + ((((((int)threadIdx.x) >> 1) + 52) % 60) / 15)) < 57)) && (1 <= (((((int)blockIdx.x) & 1) * 28) + ((((int)threadIdx.x) + 14) % 30)))) && ((((((int)blockIdx.x) & 1) * 28) + ((((int)threadIdx.x) + 14) % 30)) < 57)) {
      condval_1 = x_ptr[(((((((rc_0 * 25088) + (((((int)threadIdx.x) + 224) / 120) * 3136)) + (((((int)blockIdx.x) % 56) >> 1) * 112)) + (((((((int)threadIdx.x) >> 1) + 52) % 60) / 15) * 56)) + ((((int)blockIdx.x) & 1) * 28)) + ((((int)threadIdx.x) + 14) % 30)) - 57)];
    } else {
      condval_1 = 0x0p+0f/*0.000000e+00*/;
    }
    conv_pad_shared_ptr[(((int)threadIdx.x) + 224)] = condval_1;
    int cse_v5 = (((int)threadIdx.x) + 448);
    int cse_v21 = ((((int)threadIdx.x) + 28) % 30);
    int cse_v30 = (((((int)blockIdx.x) & 1) * 28) + ((((int)threadIdx.x) + 28) % 30));
    int cse_v36 = ((((((int)threadIdx.x) >> 1) + 44) % 60) / 15);
    int cse_v45 = ((((((int)blockIdx.x) % 56) >> 1) * 2) + ((((((int)threadIdx.x) >> 1) + 44) % 60) / 15));
    float condval_2;
    if ((((1 <= ((((((int)blockIdx.x) % 56) >> 1) * 2) + ((((((int)threadIdx.x) >> 1) + 44) % 60) / 15))) && (((((((int)blockIdx.x) % 56) >> 1) * 2) + ((((((int)threadIdx.x) >> 1) + 44) % 60) / 15)) < 57)) && (1 <= (((((int)blockIdx.x) & 1) * 28) + ((((int)threadIdx.x) + 28) % 30)))) && ((((((int)blockIdx.x) & 1) * 28) + ((((int)threadIdx.x) + 28) % 30)) < 57)) {
      condval_2 = x_ptr[(((((((rc_0 * 25088) + (((((int)threadIdx.x) + 448) / 120) * 3136)) + (((((int)blockIdx.x) % 56) >> 1) * 112)) + (((((((int)threadIdx.x) >> 1) + 44) % 60) / 15) * 56)) + ((((int)blockIdx.x) & 1) * 28)) + ((((int)threadIdx.x) + 28) % 30)) - 57)];
    } else {
      condval_2 = 0x0p+0f/*0.000000e+00*/;
    }
    conv_pad_shared_ptr[(((int)threadIdx.x) + 448)] = condval_2;
    int cse_v6 = (((int)threadIdx.x) + 672);
    int cse_v22 = ((((int)threadIdx.x) + 12) % 30);
    int cse_v31 = (((((int)blockIdx.x) & 1) * 28) + ((((int)threadIdx.x) + 12) % 30));
    int cse_v37 = ((((((int)threadIdx.x) >> 1) + 36) % 60) / 15);
    int cse_v46 = ((((((int)blockIdx.x) % 56) >> 1) * 2) + ((((((int)threadIdx.x) >> 1) + 36) % 60) / 15));
    float condval_3;
    if ((((1 <= ((((((int)blockIdx.x) % 56) >> 1) * 2) + ((((((int)threadIdx.x) >> 1) + 36) % 60) / 15))) && (((((((int)blockIdx.x) % 56) >> 1) * 2) + ((((((int)threadIdx.x) >> 1) + 36) % 60) / 15)) < 57)) && (1 <= (((((int)blockIdx.x) & 1) * 28) + ((((int)threadIdx.x) + 12) % 30)))) && ((((((int)blockIdx.x) & 1) * 28) + ((((int)threadIdx.x) + 12) % 30)) < 57)) {
      condval_3 = x_ptr[(((((((rc_0 * 25088) + (((((int)threadIdx.x) + 672) / 120) * 3136)) + (((((int)blockIdx.x) % 56) >> 1) * 112)) + (((((((int)threadIdx.x) >> 1) + 36) % 60) / 15) * 56)) + ((((int)blockIdx.x) & 1) * 28)) + ((((int)threadIdx.x) + 12) % 30)) - 57)];
    } else {
      condval_3 = 0x0p+0f/*0.000000e+00*/;
    }
    conv_pad_shared_ptr[(((int)threadIdx.x) + 672)] = condval_3;
    int cse_v7 = (((int)threadIdx.x) + 56);
    int cse_v8 = (((int)threadIdx.x) + 896);
    if (((int)threadIdx.x) < 64) {
      int cse_v23 = ((((int)threadIdx.x) + 56) / 30);
      int cse_v24 = ((((int)threadIdx.x) + 26) % 30);
      int cse_v32 = (((((int)blockIdx.x) & 1) * 28) + ((((int)threadIdx.x) + 26) % 30));
      float condval_4;
      if (((((((((int)blockIdx.x) % 56) >> 1) * 2) + ((((int)threadIdx.x) + 56) / 30)) < 57) && (1 <= (((((int)blockIdx.x) & 1) * 28) + ((((int)threadIdx.x) + 26) % 30)))) && ((((((int)blockIdx.x) & 1) * 28) + ((((int)threadIdx.x) + 26) % 30)) < 57)) {
        condval_4 = x_ptr[((((((rc_0 * 25088) + (((((int)blockIdx.x) % 56) >> 1) * 112)) + (((((int)threadIdx.x) + 56) / 30) * 56)) + ((((int)blockIdx.x) & 1) * 28)) + ((((int)threadIdx.x) + 26) % 30)) + 21895)];
      } else {
        condval_4 = 0x0p+0f/*0.000000e+00*/;
      }
      conv_pad_shared_ptr[(((int)threadIdx.x) + 896)] = condval_4;
    }
    int cse_v10 = (rc_0 * 72);
    int cse_v25 = ((((int)blockIdx.x) / 56) * 18432);
    int cse_v47 = (((((((int)blockIdx.x) / 56) * 18432) + ((((int)threadIdx.x) / 72) * 576)) + (rc_0 * 72)) + (((int)threadIdx.x) % 72));
    w_shared_ptr[((int)threadIdx.x)] = w_ptr[(((((((int)blockIdx.x) / 56) * 18432) + ((((int)threadIdx.x) / 72) * 576)) + (rc_0 * 72)) + (((int)threadIdx.x) % 72))];
    w_shared_ptr[(((int)threadIdx.x) + 224)] = w_ptr[(((((((int)blockIdx.x) / 56) * 18432) + (((((int)threadIdx.x) + 224) / 72) * 576)) + (rc_0 * 72)) + ((((int)threadIdx.x) + 8) % 72))];
    w_shared_ptr[(((int)threadIdx.x) + 448)] = w_ptr[(((((((int)blockIdx.x) / 56) * 18432) + (((((int)threadIdx.x) + 448) / 72) * 576)) + (rc_0 * 72)) + ((((int)threadIdx.x) + 16) % 72))];
    w_shared_ptr[(((int)threadIdx.x) + 672)] = w_ptr[(((((((int)blockIdx.x) / 56) * 18432) + (((((int)threadIdx.x) + 672) / 72) * 576)) + (rc_0 * 72)) + ((((int)threadIdx.x) + 24) % 72))];
    w_shared_ptr[(((int)threadIdx.x) + 896)] = w_ptr[(((((((int)blockIdx.x) / 56) * 18432) + (((((int)threadIdx.x) + 896) / 72) * 576)) + (rc_0 * 72)) + ((((int)threadIdx.x) + 32) % 72))];
    int cse_v11 = (((int)threadIdx.x) + 1120);
    w_shared_ptr[(((int)threadIdx.x) + 1120)] = w_ptr[(((((((int)blockIdx.x) / 56) * 18432) + (((((int)threadIdx.x) + 1120) / 72) * 576)) + (rc_0 * 72)) + ((((int)threadIdx.x) + 40) % 72))];
    int cse_v12 = (((int)threadIdx.x) + 1344);
    w_shared_ptr[(((int)threadIdx.x) + 1344)] = w_ptr[(((((((int)blockIdx.x) / 56) * 18432) + (((((int)threadIdx.x) + 1344) / 72) * 576)) + (rc_0 * 72)) + ((((int)threadIdx.x) + 48) % 72))];
    int cse_v13 = (((int)threadIdx.x) + 1568);
    w_shared_ptr[(((int)threadIdx.x) + 1568)] = w_ptr[(((((((int)blockIdx.x) / 56) * 18432) + (((((int)threadIdx.x) + 1568) / 72) * 576)) + (rc_0 * 72)) + ((((int)threadIdx.x) + 56) % 72))];
    int cse_v14 = (((int)threadIdx.x) + 1792);
    w_shared_ptr[(((int)threadIdx.x) + 1792)] = w_ptr[(((((((int)blockIdx.x) / 56) * 18432) + (((((int)threadIdx.x) + 1792) / 72) * 576)) + (rc_0 * 72)) + ((((int)threadIdx.x) + 64) % 72))];
    w_shared_ptr[(((int)threadIdx.x) + 2016)] = w_ptr[((((((((int)blockIdx.x) / 56) * 18432) + ((((int)threadIdx.x) / 72) * 576)) + (rc_0 * 72)) + (((int)threadIdx.x) % 72)) + 16128)];
    if (((int)threadIdx.x) < 64) {
      w_shared_ptr[(((int)threadIdx.x) + 2240)] = w_ptr[(((((((int)blockIdx.x) / 56) * 18432) + (rc_0 * 72)) + ((int)threadIdx.x)) + 17864)];
    }
    __syncthreads();
    for (int rc_1 = 0; rc_1 < 8; ++rc_1) {
      for (int rk0 = 0; rk0 < 3; ++rk0) {
        int cse_v33 = (((rc_1 * 120) + (rk0 * 30)) + (((int)threadIdx.x) % 28));
        int cse_v38 = ((((((int)threadIdx.x) / 28) * 288) + (rc_1 * 9)) + (rk0 * 3));
        conv_local_ptr[0] = (conv_local_ptr[0] + (conv_pad_shared_ptr[(((rc_1 * 120) + (rk0 * 30)) + (((int)threadIdx.x) % 28))] * w_shared_ptr[((((((int)threadIdx.x) / 28) * 288) + (rc_1 * 9)) + (rk0 * 3))]));
        int cse_v39 = ((((rc_1 * 120) + (rk0 * 30)) + (((int)threadIdx.x) % 28)) + 30);
        conv_local_ptr[1] = (conv_local_ptr[1] + (conv_pad_shared_ptr[((((rc_1 * 120) + (rk0 * 30)) + (((int)threadIdx.x) % 28)) + 30)] * w_shared_ptr[((((((int)threadIdx.x) / 28) * 288) + (rc_1 * 9)) + (rk0 * 3))]));
        int cse_v48 = (((((((int)threadIdx.x) / 28) * 288) + (rc_1 * 9)) + (rk0 * 3)) + 72);
        conv_local_ptr[2] = (conv_local_ptr[2] + (conv_pad_shared_ptr[(((rc_1 * 120) + (rk0 * 30)) + (((int)threadIdx.x) % 28))] * w_shared_ptr[(((((((int)threadIdx.x) / 28) * 288) + (rc_1 * 9)) + (rk0 * 3)) + 72)]));
        conv_local_ptr[3] = (conv_local_ptr[3] + (conv_pad_shared_ptr[((((rc_1 * 120) + (rk0 * 30)) + (((int)threadIdx.x) % 28)) + 30)] * w_shared_ptr[(((((((int)threadIdx.x) / 28) * 288) + (rc_1 * 9)) + (rk0 * 3)) + 72)]));
        int cse_v49 = (((((((int)threadIdx.x) / 28) * 288) + (rc_1 * 9)) + (rk0 * 3)) + 144);
        conv_local_ptr[4] = (conv_local_ptr[4] + (conv_pad_shared_ptr[(((rc_1 * 120) + (rk0 * 30)) + (((int)threadIdx.x) % 28))] * w_shared_ptr[(((((((int)threadIdx.x) / 28) * 288) + (rc_1 * 9)) + (rk0 * 3)) + 144)]));
        conv_local_ptr[5] = (conv_local_ptr[5] + (conv_pad_shared_ptr[((((rc_1 * 120) + (rk0 * 30)) + (((int)threadIdx.x) % 28)) + 30)] * w_shared_ptr[(((((((int)threadIdx.x) / 28) * 288) + (rc_1 * 9)) + (rk0 * 3)) + 144)]));
        int cse_v50 = (((((((int)threadIdx.x) / 28) * 288) + (rc_1 * 9)) + (rk0 * 3)) + 216);
        conv_local_ptr[6] = (conv_local_ptr[6] + (conv_pad_shared_ptr[(((rc_1 * 120) + (rk0 * 30)) + (((int)threadIdx.x) % 28))] * w_shared_ptr[(((((((int)threadIdx.x) / 28) * 288) + (rc_1 * 9)) + (rk0 * 3)) + 216)]));
        conv_local_ptr[7] = (conv_local_ptr[7] + (conv_pad_shared_ptr[((((rc_1 * 120) + (rk0 * 30)) + (((int)threadIdx.x) % 28)) + 30)] * w_shared_ptr[(((((((int)threadIdx.x) / 28) * 288) + (rc_1 * 9)) + (rk0 * 3)) + 216)]));
        int cse_v40 = ((((rc_1 * 120) + (rk0 * 30)) + (((int)threadIdx.x) % 28)) + 1);
        int cse_v51 = (((((((int)threadIdx.x) / 28) * 288) + (rc_1 * 9)) + (rk0 * 3)) + 1);
        conv_local_ptr[0] = (conv_local_ptr[0] + (conv_pad_shared_ptr[((((rc_1 * 120) + (rk0 * 30)) + (((int)threadIdx.x) % 28)) + 1)] * w_shared_ptr[(((((((int)threadIdx.x) / 28) * 288) + (rc_1 * 9)) + (rk0 * 3)) + 1)]));
        int cse_v41 = ((((rc_1 * 120) + (rk0 * 30)) + (((int)threadIdx.x) % 28)) + 31);
        conv_local_ptr[1] = (conv_local_ptr[1] + (conv_pad_shared_ptr[((((rc_1 * 120) + (rk0 * 30)) + (((int)threadIdx.x) % 28)) + 31)] * w_shared_ptr[(((((((int)threadIdx.x) / 28) * 288) + (rc_1 * 9)) + (rk0 * 3)) + 1)]));
        int cse_v52 = (((((((int)threadIdx.x) / 28) * 288) + (rc_1 * 9)) + (rk0 * 3)) + 73);
        conv_local_ptr[2] = (conv_local_ptr[2] + (conv_pad_shared_ptr[((((rc_1 * 120) + (rk0 * 30)) + (((int)threadIdx.x) % 28)) + 1)] * w_shared_ptr[(((((((int)threadIdx.x) / 28) * 288) + (rc_1 * 9)) + (rk0 * 3)) + 73)]));
        conv_local_ptr[3] = (conv_local_ptr[3] + (conv_pad_shared_ptr[((((rc_1 * 120) + (rk0 * 30)) + (((int)threadIdx.x) % 28)) + 31)] * w_shared_ptr[(((((((int)threadIdx.x) / 28) * 288) + (rc_1 * 9)) + (rk0 * 3)) + 73)]));
        int cse_v53 = (((((((int)threadIdx.x) / 28) * 288) + (rc_1 * 9)) + (rk0 * 3)) + 145);
        conv_local_ptr[4] = (conv_local_ptr[4] + (conv_pad_shared_ptr[((((rc_1 * 120) + (rk0 * 30)) + (((int)threadIdx.x) % 28)) + 1)] * w_shared_ptr[(((((((int)threadIdx.x) / 28) * 288) + (rc_1 * 9)) + (rk0 * 3)) + 145)]));
        conv_local_ptr[5] = (conv_local_ptr[5] + (conv_pad_shared_ptr[((((rc_1 * 120) + (rk0 * 30)) + (((int)threadIdx.x) % 28)) + 31)] * w_shared_ptr[(((((((int)threadIdx.x) / 28) * 288) + (rc_1 * 9)) + (rk0 * 3)) + 145)]));
        int cse_v54 = (((((((int)threadIdx.x) / 28) * 288) + (rc_1 * 9)) + (rk0 * 3)) + 217);
        conv_local_ptr[6] = (conv_local_ptr[6] + (conv_pad_shared_ptr[((((rc_1 * 120) + (rk0 * 30)) + (((int)threadIdx.x) % 28)) + 1)] * w_shared_ptr[(((((((int)threadIdx.x) / 28) * 288) + (rc_1 * 9)) + (rk0 * 3)) + 217)]));
        conv_local_ptr[7] = (conv_local_ptr[7] + (conv_pad_shared_ptr[((((rc_1 * 120) + (rk0 * 30)) + (((int)threadIdx.x) % 28)) + 31)] * w_shared_ptr[(((((((int)threadIdx.x) / 28) * 288) + (rc_1 * 9)) + (rk0 * 3)) + 217)]));
        int cse_v42 = ((((rc_1 * 120) + (rk0 * 30)) + (((int)threadIdx.x) % 28)) + 2);
        int cse_v55 = (((((((int)threadIdx.x) / 28) * 288) + (rc_1 * 9)) + (rk0 * 3)) + 2);
        conv_local_ptr[0] = (conv_local_ptr[0] + (conv_pad_shared_ptr[((((rc_1 * 120) + (rk0 * 30)) + (((int)threadIdx.x) % 28)) + 2)] * w_shared_ptr[(((((((int)threadIdx.x) / 28) * 288) + (rc_1 * 9)) + (rk0 * 3)) + 2)]));
        int cse_v43 = ((((rc_1 * 120) + (rk0 * 30)) + (((int)threadIdx.x) % 28)) + 32);
        conv_local_ptr[1] = (conv_local_ptr[1] + (conv_pad_shared_ptr[((((rc_1 * 120) + (rk0 * 30)) + (((int)threadIdx.x) % 28)) + 32)] * w_shared_ptr[(((((((int)threadIdx.x) / 28) * 288) + (rc_1 * 9)) + (rk0 * 3)) + 2)]));
        int cse_v56 = (((((((int)threadIdx.x) / 28) * 288) + (rc_1 * 9)) + (rk0 * 3)) + 74);
        conv_local_ptr[2] = (conv_local_ptr[2] + (conv_pad_shared_ptr[((((rc_1 * 120) + (rk0 * 30)) + (((int)threadIdx.x) % 28)) + 2)] * w_shared_ptr[(((((((int)threadIdx.x) / 28) * 288) + (rc_1 * 9)) + (rk0 * 3)) + 74)]));
        conv_local_ptr[3] = (conv_local_ptr[3] + (conv_pad_shared_ptr[((((rc_1 * 120) + (rk0 * 30)) + (((int)threadIdx.x) % 28)) + 32)] * w_shared_ptr[(((((((int)threadIdx.x) / 28) * 288) + (rc_1 * 9)) + (rk0 * 3)) + 74)]));
        int cse_v57 = (((((((int)threadIdx.x) / 28) * 288) + (rc_1 * 9)) + (rk0 * 3)) + 146);
        conv_local_ptr[4] = (conv_local_ptr[4] + (conv_pad_shared_ptr[((((rc_1 * 120) + (rk0 * 30)) + (((int)threadIdx.x) % 28)) + 2)] * w_shared_ptr[(((((((int)threadIdx.x) / 28) * 288) + (rc_1 * 9)) + (rk0 * 3)) + 146)]));
        conv_local_ptr[5] = (conv_local_ptr[5] + (conv_pad_shared_ptr[((((rc_1 * 120) + (rk0 * 30)) + (((int)threadIdx.x) % 28)) + 32)] * w_shared_ptr[(((((((int)threadIdx.x) / 28) * 288) + (rc_1 * 9)) + (rk0 * 3)) + 146)]));
        int cse_v58 = (((((((int)threadIdx.x) / 28) * 288) + (rc_1 * 9)) + (rk0 * 3)) + 218);
        conv_local_ptr[6] = (conv_local_ptr[6] + (conv_pad_shared_ptr[((((rc_1 * 120) + (rk0 * 30)) + (((int)threadIdx.x) % 28)) + 2)] * w_shared_ptr[(((((((int)threadIdx.x) / 28) * 288) + (rc_1 * 9)) + (rk0 * 3)) + 218)]));
        conv_local_ptr[7] = (conv_local_ptr[7] + (conv_pad_shared_ptr[((((rc_1 * 120) + (rk0 * 30)) + (((int)threadIdx.x) % 28)) + 32)] * w_shared_ptr[(((((((int)threadIdx.x) / 28) * 288) + (rc_1 * 9)) + (rk0 * 3)) + 218)]));
      }
    }
  }
  int cse_v59 = ((((((((int)blockIdx.x) / 56) * 100352) + ((((int)threadIdx.x) / 28) * 12544)) + (((((int)blockIdx.x) % 56) >> 1) * 112)) + ((((int)blockIdx.x) & 1) * 28)) + (((int)threadIdx.x) % 28));
  conv_ptr[((((((((int)blockIdx.x) / 56) * 100352) + ((((int)threadIdx.x) / 28) * 12544)) + (((((int)blockIdx.x) % 56) >> 1) * 112)) + ((((int)blockIdx.x) & 1) * 28)) + (((int)threadIdx.x) % 28))] = conv_local_ptr[0];
  conv_ptr[(((((((((int)blockIdx.x) / 56) * 100352) + ((((int)threadIdx.x) / 28) * 12544)) + (((((int)blockIdx.x) % 56) >> 1) * 112)) + ((((int)blockIdx.x) & 1) * 28)) + (((int)threadIdx.x) % 28)) + 56)] = conv_local_ptr[1];
  conv_ptr[(((((((((int)blockIdx.x) / 56) * 100352) + ((((int)threadIdx.x) / 28) * 12544)) + (((((int)blockIdx.x) % 56) >> 1) * 112)) + ((((int)blockIdx.x) & 1) * 28)) + (((int)threadIdx.x) % 28)) + 3136)] = conv_local_ptr[2];
  conv_ptr[(((((((((int)blockIdx.x) / 56) * 100352) + ((((int)threadIdx.x) / 28) * 12544)) + (((((int)blockIdx.x) % 56) >> 1) * 112)) + ((((int)blockIdx.x) & 1) * 28)) + (((int)threadIdx.x) % 28)) + 3192)] = conv_local_ptr[3];
  conv_ptr[(((((((((int)blockIdx.x) / 56) * 100352) + ((((int)threadIdx.x) / 28) * 12544)) + (((((int)blockIdx.x) % 56) >> 1) * 112)) + ((((int)blockIdx.x) & 1) * 28)) + (((int)threadIdx.x) % 28)) + 6272)] = conv_local_ptr[4];
  conv_ptr[(((((((((int)blockIdx.x) / 56) * 100352) + ((((int)threadIdx.x) / 28) * 12544)) + (((((int)blockIdx.x) % 56) >> 1) * 112)) + ((((int)blockIdx.x) & 1) * 28)) + (((int)threadIdx.x) % 28)) + 6328)] = conv_local_ptr[5];
  conv_ptr[(((((((((int)blockIdx.x) / 56) * 100352) + ((((int)threadIdx.x) / 28) * 12544)) + (((((int)blockIdx.x) % 56) >> 1) * 112)) + ((((int)blockIdx.x) & 1) * 28)) + (((int)threadIdx.x) % 28)) + 9408)] = conv_local_ptr[6];
  conv_ptr[(((((((((int)blockIdx.x) / 56) * 100352) + ((((int)threadIdx.x) / 28) * 12544)) + (((((int)blockIdx.x) % 56) >> 1) * 112)) + ((((int)blockIdx.x) & 1) * 28)) + (((int)threadIdx.x) % 28)) + 9464)] = conv_local_ptr[7];
}

