
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
extern "C" __global__ void __launch_bounds__(192) main_kernel(float* __restrict__ ax1_ptr, float* __restrict__ w0_ptr, float* __restrict__ w1_ptr, float* __restrict__ x_ptr);
extern "C" __global__ void __launch_bounds__(192) main_kernel(float* __restrict__ ax1_ptr, float* __restrict__ w0_ptr, float* __restrict__ w1_ptr, float* __restrict__ x_ptr) {
  __shared__ alignas(64) float ax0_pad_shared_ptr[1216];
  __shared__ alignas(64) float ax1_pad_shared_ptr[988];
  alignas(64) float ax0_local_ptr[1];
  alignas(64) float w1_local_ptr[7];
  alignas(64) float ax1_local_ptr[4];
  int cse_v1 = (((int)threadIdx.x) % 38);
  int cse_v2 = (((int)blockIdx.x) / 60);
  int cse_v10 = ((((int)blockIdx.x) % 60) * 32);
  int cse_v11 = ((((int)blockIdx.x) / 60) * 8);
  int cse_v12 = ((((int)blockIdx.x) / 60) * 46080);
  int cse_v18 = (((((int)blockIdx.x) % 60) * 32) + (((int)threadIdx.x) % 38));
  int cse_v19 = (((((int)blockIdx.x) % 60) * 32) + ((int)threadIdx.x));
  int cse_v26 = max(0, (((((int)blockIdx.x) % 60) * 32) - 3));
  int cse_v32 = (((((((int)blockIdx.x) % 60) * 32) + ((int)threadIdx.x)) - max(0, (((((int)blockIdx.x) % 60) * 32) - 3))) - 3);
  if ((3 <= (((((int)blockIdx.x) % 60) * 32) + (((int)threadIdx.x) % 38))) && ((((((int)blockIdx.x) % 60) * 32) + (((int)threadIdx.x) % 38)) < 1923)) {
    float condval;
    if (1 <= (((((int)blockIdx.x) / 60) * 8) + (((int)threadIdx.x) / 114))) {
      condval = x_ptr[((((((((int)blockIdx.x) / 60) * 46080) + ((((int)threadIdx.x) / 38) * 1920)) + ((((int)blockIdx.x) % 60) * 32)) + (((int)threadIdx.x) % 38)) - 5763)];
    } else {
      condval = 0x0p+0f/*0.000000e+00*/;
    }
    ax0_pad_shared_ptr[(((((((int)blockIdx.x) % 60) * 32) + ((int)threadIdx.x)) - max(0, (((((int)blockIdx.x) % 60) * 32) - 3))) - 3)] = condval;
  }
  int cse_v3 = (((int)threadIdx.x) + 192);
  int cse_v13 = ((((int)threadIdx.x) + 2) % 38);
  int cse_v20 = (((((int)blockIdx.x) % 60) * 32) + ((((int)threadIdx.x) + 2) % 38));
  int cse_v27 = (((((((int)blockIdx.x) % 60) * 32) + ((int)threadIdx.x)) + 189) - max(0, (((((int)blockIdx.x) % 60) * 32) - 3)));
  if ((3 <= (((((int)blockIdx.x) % 60) * 32) + ((((int)threadIdx.x) + 2) % 38))) && ((((((int)blockIdx.x) % 60) * 32) + ((((int)threadIdx.x) + 2) % 38)) < 1923)) {
    ax0_pad_shared_ptr[(((((((int)blockIdx.x) % 60) * 32) + ((int)threadIdx.x)) + 189) - max(0, (((((int)blockIdx.x) % 60) * 32) - 3)))] = x_ptr[((((((((int)blockIdx.x) / 60) * 46080) + (((((int)threadIdx.x) + 192) / 38) * 1920)) + ((((int)blockIdx.x) % 60) * 32)) + ((((int)threadIdx.x) + 2) % 38)) - 5763)];
  }
  int cse_v4 = (((int)threadIdx.x) + 384);
  int cse_v14 = ((((int)threadIdx.x) + 4) % 38);
  int cse_v21 = (((((int)blockIdx.x) % 60) * 32) + ((((int)threadIdx.x) + 4) % 38));
  int cse_v28 = (((((((int)blockIdx.x) % 60) * 32) + ((int)threadIdx.x)) + 381) - max(0, (((((int)blockIdx.x) % 60) * 32) - 3)));
  if ((3 <= (((((int)blockIdx.x) % 60) * 32) + ((((int)threadIdx.x) + 4) % 38))) && ((((((int)blockIdx.x) % 60) * 32) + ((((int)threadIdx.x) + 4) % 38)) < 1923)) {
    ax0_pad_shared_ptr[(((((((int)blockIdx.x) % 60) * 32) + ((int)threadIdx.x)) + 381) - max(0, (((((int)blockIdx.x) % 60) * 32) - 3)))] = x_ptr[((((((((int)blockIdx.x) / 60) * 46080) + (((((int)threadIdx.x) + 384) / 38) * 1920)) + ((((int)blockIdx.x) % 60) * 32)) + ((((int)threadIdx.x) + 4) % 38)) - 5763)];
  }
  int cse_v5 = (((int)threadIdx.x) + 576);
  int cse_v15 = ((((int)threadIdx.x) + 6) % 38);
  int cse_v22 = (((((int)blockIdx.x) % 60) * 32) + ((((int)threadIdx.x) + 6) % 38));
  int cse_v29 = (((((((int)blockIdx.x) % 60) * 32) + ((int)threadIdx.x)) + 573) - max(0, (((((int)blockIdx.x) % 60) * 32) - 3)));
  if ((3 <= (((((int)blockIdx.x) % 60) * 32) + ((((int)threadIdx.x) + 6) % 38))) && ((((((int)blockIdx.x) % 60) * 32) + ((((int)threadIdx.x) + 6) % 38)) < 1923)) {
    ax0_pad_shared_ptr[(((((((int)blockIdx.x) % 60) * 32) + ((int)threadIdx.x)) + 573) - max(0, (((((int)blockIdx.x) % 60) * 32) - 3)))] = x_ptr[((((((((int)blockIdx.x) / 60) * 46080) + (((((int)threadIdx.x) + 576) / 38) * 1920)) + ((((int)blockIdx.x) % 60) * 32)) + ((((int)threadIdx.x) + 6) % 38)) - 5763)];
  }
  int cse_v6 = (((int)threadIdx.x) + 768);
  int cse_v16 = ((((int)threadIdx.x) + 8) % 38);
  int cse_v23 = (((((int)blockIdx.x) % 60) * 32) + ((((int)threadIdx.x) + 8) % 38));
  int cse_v30 = (((((((int)blockIdx.x) % 60) * 32) + ((int)threadIdx.x)) + 765) - max(0, (((((int)blockIdx.x) % 60) * 32) - 3)));
  if ((3 <= (((((int)blockIdx.x) % 60) * 32) + ((((int)threadIdx.x) + 8) % 38))) && ((((((int)blockIdx.x) % 60) * 32) + ((((int)threadIdx.x) + 8) % 38)) < 1923)) {
    ax0_pad_shared_ptr[(((((((int)blockIdx.x) % 60) * 32) + ((int)threadIdx.x)) + 765) - max(0, (((((int)blockIdx.x) % 60) * 32) - 3)))] = x_ptr[((((((((int)blockIdx.x) / 60) * 46080) + (((((int)threadIdx.x) + 768) / 38) * 1920)) + ((((int)blockIdx.x) % 60) * 32)) + ((((int)threadIdx.x) + 8) % 38)) - 5763)];
  }
  int cse_v17 = ((((int)threadIdx.x) + 10) % 38);
  int cse_v24 = (((((int)blockIdx.x) % 60) * 32) + ((((int)threadIdx.x) + 10) % 38));
  if (((3 <= (((((int)blockIdx.x) % 60) * 32) + ((((int)threadIdx.x) + 10) % 38))) && ((((((int)blockIdx.x) % 60) * 32) + ((((int)threadIdx.x) + 10) % 38)) < 1923)) && (((int)threadIdx.x) < 180)) {
    int cse_v7 = (((int)threadIdx.x) + 960);
    float condval_1;
    if ((((((int)blockIdx.x) / 60) * 8) + ((((int)threadIdx.x) + 960) / 114)) < 361) {
      condval_1 = x_ptr[((((((((int)blockIdx.x) / 60) * 46080) + (((((int)threadIdx.x) + 960) / 38) * 1920)) + ((((int)blockIdx.x) % 60) * 32)) + ((((int)threadIdx.x) + 10) % 38)) - 5763)];
    } else {
      condval_1 = 0x0p+0f/*0.000000e+00*/;
    }
    ax0_pad_shared_ptr[(((((((int)blockIdx.x) % 60) * 32) + ((int)threadIdx.x)) + 957) - max(0, (((((int)blockIdx.x) % 60) * 32) - 3)))] = condval_1;
  }
  if ((3 <= (((((int)blockIdx.x) % 60) * 32) + (((int)threadIdx.x) % 38))) && ((((((int)blockIdx.x) % 60) * 32) + (((int)threadIdx.x) % 38)) < 1923)) {
    ax0_local_ptr[0] = 0x0p+0f/*0.000000e+00*/;
  }
  __syncthreads();
  if ((3 <= (((((int)blockIdx.x) % 60) * 32) + (((int)threadIdx.x) % 38))) && ((((((int)blockIdx.x) % 60) * 32) + (((int)threadIdx.x) % 38)) < 1923)) {
    ax0_local_ptr[0] = (ax0_local_ptr[0] + (ax0_pad_shared_ptr[(((((((int)blockIdx.x) % 60) * 32) + ((int)threadIdx.x)) - max(0, (((((int)blockIdx.x) % 60) * 32) - 3))) - 3)] * w0_ptr[0]));
    ax0_local_ptr[0] = (ax0_local_ptr[0] + (ax0_pad_shared_ptr[(((((((int)blockIdx.x) % 60) * 32) + ((int)threadIdx.x)) + 35) - max(0, (((((int)blockIdx.x) % 60) * 32) - 3)))] * w0_ptr[1]));
    ax0_local_ptr[0] = (ax0_local_ptr[0] + (ax0_pad_shared_ptr[(((((((int)blockIdx.x) % 60) * 32) + ((int)threadIdx.x)) + 73) - max(0, (((((int)blockIdx.x) % 60) * 32) - 3)))] * w0_ptr[2]));
    ax0_local_ptr[0] = (ax0_local_ptr[0] + (ax0_pad_shared_ptr[(((((((int)blockIdx.x) % 60) * 32) + ((int)threadIdx.x)) + 111) - max(0, (((((int)blockIdx.x) % 60) * 32) - 3)))] * w0_ptr[3]));
    ax0_local_ptr[0] = (ax0_local_ptr[0] + (ax0_pad_shared_ptr[(((((((int)blockIdx.x) % 60) * 32) + ((int)threadIdx.x)) + 149) - max(0, (((((int)blockIdx.x) % 60) * 32) - 3)))] * w0_ptr[4]));
    ax0_local_ptr[0] = (ax0_local_ptr[0] + (ax0_pad_shared_ptr[(((((((int)blockIdx.x) % 60) * 32) + ((int)threadIdx.x)) + 187) - max(0, (((((int)blockIdx.x) % 60) * 32) - 3)))] * w0_ptr[5]));
    ax0_local_ptr[0] = (ax0_local_ptr[0] + (ax0_pad_shared_ptr[(((((((int)blockIdx.x) % 60) * 32) + ((int)threadIdx.x)) + 225) - max(0, (((((int)blockIdx.x) % 60) * 32) - 3)))] * w0_ptr[6]));
  }
  float condval_2;
  if ((3 <= (((((int)blockIdx.x) % 60) * 32) + (((int)threadIdx.x) % 38))) && ((((((int)blockIdx.x) % 60) * 32) + (((int)threadIdx.x) % 38)) < 1923)) {
    condval_2 = ax0_local_ptr[0];
  } else {
    condval_2 = 0x0p+0f/*0.000000e+00*/;
  }
  ax1_pad_shared_ptr[((int)threadIdx.x)] = condval_2;
  if ((3 <= (((((int)blockIdx.x) % 60) * 32) + ((((int)threadIdx.x) + 2) % 38))) && ((((((int)blockIdx.x) % 60) * 32) + ((((int)threadIdx.x) + 2) % 38)) < 1923)) {
    ax0_local_ptr[0] = 0x0p+0f/*0.000000e+00*/;
  }
  if ((3 <= (((((int)blockIdx.x) % 60) * 32) + ((((int)threadIdx.x) + 2) % 38))) && ((((((int)blockIdx.x) % 60) * 32) + ((((int)threadIdx.x) + 2) % 38)) < 1923)) {
    ax0_local_ptr[0] = (ax0_local_ptr[0] + (ax0_pad_shared_ptr[(((((((int)blockIdx.x) % 60) * 32) + ((int)threadIdx.x)) + 189) - max(0, (((((int)blockIdx.x) % 60) * 32) - 3)))] * w0_ptr[0]));
    ax0_local_ptr[0] = (ax0_local_ptr[0] + (ax0_pad_shared_ptr[(((((((int)blockIdx.x) % 60) * 32) + ((int)threadIdx.x)) + 227) - max(0, (((((int)blockIdx.x) % 60) * 32) - 3)))] * w0_ptr[1]));
    ax0_local_ptr[0] = (ax0_local_ptr[0] + (ax0_pad_shared_ptr[(((((((int)blockIdx.x) % 60) * 32) + ((int)threadIdx.x)) + 265) - max(0, (((((int)blockIdx.x) % 60) * 32) - 3)))] * w0_ptr[2]));
    ax0_local_ptr[0] = (ax0_local_ptr[0] + (ax0_pad_shared_ptr[(((((((int)blockIdx.x) % 60) * 32) + ((int)threadIdx.x)) + 303) - max(0, (((((int)blockIdx.x) % 60) * 32) - 3)))] * w0_ptr[3]));
    ax0_local_ptr[0] = (ax0_local_ptr[0] + (ax0_pad_shared_ptr[(((((((int)blockIdx.x) % 60) * 32) + ((int)threadIdx.x)) + 341) - max(0, (((((int)blockIdx.x) % 60) * 32) - 3)))] * w0_ptr[4]));
    ax0_local_ptr[0] = (ax0_local_ptr[0] + (ax0_pad_shared_ptr[(((((((int)blockIdx.x) % 60) * 32) + ((int)threadIdx.x)) + 379) - max(0, (((((int)blockIdx.x) % 60) * 32) - 3)))] * w0_ptr[5]));
    ax0_local_ptr[0] = (ax0_local_ptr[0] + (ax0_pad_shared_ptr[(((((((int)blockIdx.x) % 60) * 32) + ((int)threadIdx.x)) + 417) - max(0, (((((int)blockIdx.x) % 60) * 32) - 3)))] * w0_ptr[6]));
  }
  float condval_3;
  if ((3 <= (((((int)blockIdx.x) % 60) * 32) + ((((int)threadIdx.x) + 2) % 38))) && ((((((int)blockIdx.x) % 60) * 32) + ((((int)threadIdx.x) + 2) % 38)) < 1923)) {
    condval_3 = ax0_local_ptr[0];
  } else {
    condval_3 = 0x0p+0f/*0.000000e+00*/;
  }
  ax1_pad_shared_ptr[(((int)threadIdx.x) + 192)] = condval_3;
  if ((3 <= (((((int)blockIdx.x) % 60) * 32) + ((((int)threadIdx.x) + 4) % 38))) && ((((((int)blockIdx.x) % 60) * 32) + ((((int)threadIdx.x) + 4) % 38)) < 1923)) {
    ax0_local_ptr[0] = 0x0p+0f/*0.000000e+00*/;
  }
  if ((3 <= (((((int)blockIdx.x) % 60) * 32) + ((((int)threadIdx.x) + 4) % 38))) && ((((((int)blockIdx.x) % 60) * 32) + ((((int)threadIdx.x) + 4) % 38)) < 1923)) {
    ax0_local_ptr[0] = (ax0_local_ptr[0] + (ax0_pad_shared_ptr[(((((((int)blockIdx.x) % 60) * 32) + ((int)threadIdx.x)) + 381) - max(0, (((((int)blockIdx.x) % 60) * 32) - 3)))] * w0_ptr[0]));
    ax0_local_ptr[0] = (ax0_local_ptr[0] + (ax0_pad_shared_ptr[(((((((int)blockIdx.x) % 60) * 32) + ((int)threadIdx.x)) + 419) - max(0, (((((int)blockIdx.x) % 60) * 32) - 3)))] * w0_ptr[1]));
    ax0_local_ptr[0] = (ax0_local_ptr[0] + (ax0_pad_shared_ptr[(((((((int)blockIdx.x) % 60) * 32) + ((int)threadIdx.x)) + 457) - max(0, (((((int)blockIdx.x) % 60) * 32) - 3)))] * w0_ptr[2]));
    ax0_local_ptr[0] = (ax0_local_ptr[0] + (ax0_pad_shared_ptr[(((((((int)blockIdx.x) % 60) * 32) + ((int)threadIdx.x)) + 495) - max(0, (((((int)blockIdx.x) % 60) * 32) - 3)))] * w0_ptr[3]));
    ax0_local_ptr[0] = (ax0_local_ptr[0] + (ax0_pad_shared_ptr[(((((((int)blockIdx.x) % 60) * 32) + ((int)threadIdx.x)) + 533) - max(0, (((((int)blockIdx.x) % 60) * 32) - 3)))] * w0_ptr[4]));
    ax0_local_ptr[0] = (ax0_local_ptr[0] + (ax0_pad_shared_ptr[(((((((int)blockIdx.x) % 60) * 32) + ((int)threadIdx.x)) + 571) - max(0, (((((int)blockIdx.x) % 60) * 32) - 3)))] * w0_ptr[5]));
    ax0_local_ptr[0] = (ax0_local_ptr[0] + (ax0_pad_shared_ptr[(((((((int)blockIdx.x) % 60) * 32) + ((int)threadIdx.x)) + 609) - max(0, (((((int)blockIdx.x) % 60) * 32) - 3)))] * w0_ptr[6]));
  }
  float condval_4;
  if ((3 <= (((((int)blockIdx.x) % 60) * 32) + ((((int)threadIdx.x) + 4) % 38))) && ((((((int)blockIdx.x) % 60) * 32) + ((((int)threadIdx.x) + 4) % 38)) < 1923)) {
    condval_4 = ax0_local_ptr[0];
  } else {
    condval_4 = 0x0p+0f/*0.000000e+00*/;
  }
  ax1_pad_shared_ptr[(((int)threadIdx.x) + 384)] = condval_4;
  if ((3 <= (((((int)blockIdx.x) % 60) * 32) + ((((int)threadIdx.x) + 6) % 38))) && ((((((int)blockIdx.x) % 60) * 32) + ((((int)threadIdx.x) + 6) % 38)) < 1923)) {
    ax0_local_ptr[0] = 0x0p+0f/*0.000000e+00*/;
  }
  if ((3 <= (((((int)blockIdx.x) % 60) * 32) + ((((int)threadIdx.x) + 6) % 38))) && ((((((int)blockIdx.x) % 60) * 32) + ((((int)threadIdx.x) + 6) % 38)) < 1923)) {
    ax0_local_ptr[0] = (ax0_local_ptr[0] + (ax0_pad_shared_ptr[(((((((int)blockIdx.x) % 60) * 32) + ((int)threadIdx.x)) + 573) - max(0, (((((int)blockIdx.x) % 60) * 32) - 3)))] * w0_ptr[0]));
    ax0_local_ptr[0] = (ax0_local_ptr[0] + (ax0_pad_shared_ptr[(((((((int)blockIdx.x) % 60) * 32) + ((int)threadIdx.x)) + 611) - max(0, (((((int)blockIdx.x) % 60) * 32) - 3)))] * w0_ptr[1]));
    ax0_local_ptr[0] = (ax0_local_ptr[0] + (ax0_pad_shared_ptr[(((((((int)blockIdx.x) % 60) * 32) + ((int)threadIdx.x)) + 649) - max(0, (((((int)blockIdx.x) % 60) * 32) - 3)))] * w0_ptr[2]));
    ax0_local_ptr[0] = (ax0_local_ptr[0] + (ax0_pad_shared_ptr[(((((((int)blockIdx.x) % 60) * 32) + ((int)threadIdx.x)) + 687) - max(0, (((((int)blockIdx.x) % 60) * 32) - 3)))] * w0_ptr[3]));
    ax0_local_ptr[0] = (ax0_local_ptr[0] + (ax0_pad_shared_ptr[(((((((int)blockIdx.x) % 60) * 32) + ((int)threadIdx.x)) + 725) - max(0, (((((int)blockIdx.x) % 60) * 32) - 3)))] * w0_ptr[4]));
    ax0_local_ptr[0] = (ax0_local_ptr[0] + (ax0_pad_shared_ptr[(((((((int)blockIdx.x) % 60) * 32) + ((int)threadIdx.x)) + 763) - max(0, (((((int)blockIdx.x) % 60) * 32) - 3)))] * w0_ptr[5]));
    ax0_local_ptr[0] = (ax0_local_ptr[0] + (ax0_pad_shared_ptr[(((((((int)blockIdx.x) % 60) * 32) + ((int)threadIdx.x)) + 801) - max(0, (((((int)blockIdx.x) % 60) * 32) - 3)))] * w0_ptr[6]));
  }
  float condval_5;
  if ((3 <= (((((int)blockIdx.x) % 60) * 32) + ((((int)threadIdx.x) + 6) % 38))) && ((((((int)blockIdx.x) % 60) * 32) + ((((int)threadIdx.x) + 6) % 38)) < 1923)) {
    condval_5 = ax0_local_ptr[0];
  } else {
    condval_5 = 0x0p+0f/*0.000000e+00*/;
  }
  ax1_pad_shared_ptr[(((int)threadIdx.x) + 576)] = condval_5;
  if (((3 <= (((((int)blockIdx.x) % 60) * 32) + ((((int)threadIdx.x) + 8) % 38))) && ((((((int)blockIdx.x) % 60) * 32) + ((((int)threadIdx.x) + 8) % 38)) < 1923)) && (((int)threadIdx.x) < 144)) {
    ax0_local_ptr[0] = 0x0p+0f/*0.000000e+00*/;
  }
  if (((3 <= (((((int)blockIdx.x) % 60) * 32) + ((((int)threadIdx.x) + 8) % 38))) && ((((((int)blockIdx.x) % 60) * 32) + ((((int)threadIdx.x) + 8) % 38)) < 1923)) && (((int)threadIdx.x) < 144)) {
    ax0_local_ptr[0] = (ax0_local_ptr[0] + (ax0_pad_shared_ptr[(((((((int)blockIdx.x) % 60) * 32) + ((int)threadIdx.x)) + 765) - max(0, (((((int)blockIdx.x) % 60) * 32) - 3)))] * w0_ptr[0]));
    ax0_local_ptr[0] = (ax0_local_ptr[0] + (ax0_pad_shared_ptr[(((((((int)blockIdx.x) % 60) * 32) + ((int)threadIdx.x)) + 803) - max(0, (((((int)blockIdx.x) % 60) * 32) - 3)))] * w0_ptr[1]));
    ax0_local_ptr[0] = (ax0_local_ptr[0] + (ax0_pad_shared_ptr[(((((((int)blockIdx.x) % 60) * 32) + ((int)threadIdx.x)) + 841) - max(0, (((((int)blockIdx.x) % 60) * 32) - 3)))] * w0_ptr[2]));
    ax0_local_ptr[0] = (ax0_local_ptr[0] + (ax0_pad_shared_ptr[(((((((int)blockIdx.x) % 60) * 32) + ((int)threadIdx.x)) + 879) - max(0, (((((int)blockIdx.x) % 60) * 32) - 3)))] * w0_ptr[3]));
    ax0_local_ptr[0] = (ax0_local_ptr[0] + (ax0_pad_shared_ptr[(((((((int)blockIdx.x) % 60) * 32) + ((int)threadIdx.x)) + 917) - max(0, (((((int)blockIdx.x) % 60) * 32) - 3)))] * w0_ptr[4]));
    ax0_local_ptr[0] = (ax0_local_ptr[0] + (ax0_pad_shared_ptr[(((((((int)blockIdx.x) % 60) * 32) + ((int)threadIdx.x)) + 955) - max(0, (((((int)blockIdx.x) % 60) * 32) - 3)))] * w0_ptr[5]));
    ax0_local_ptr[0] = (ax0_local_ptr[0] + (ax0_pad_shared_ptr[(((((((int)blockIdx.x) % 60) * 32) + ((int)threadIdx.x)) + 993) - max(0, (((((int)blockIdx.x) % 60) * 32) - 3)))] * w0_ptr[6]));
  }
  if (((int)threadIdx.x) < 144) {
    float condval_6;
    if ((3 <= (((((int)blockIdx.x) % 60) * 32) + ((((int)threadIdx.x) + 8) % 38))) && ((((((int)blockIdx.x) % 60) * 32) + ((((int)threadIdx.x) + 8) % 38)) < 1923)) {
      condval_6 = ax0_local_ptr[0];
    } else {
      condval_6 = 0x0p+0f/*0.000000e+00*/;
    }
    ax1_pad_shared_ptr[(((int)threadIdx.x) + 768)] = condval_6;
  }
  w1_local_ptr[0] = w1_ptr[0];
  w1_local_ptr[1] = w1_ptr[1];
  w1_local_ptr[2] = w1_ptr[2];
  w1_local_ptr[3] = w1_ptr[3];
  w1_local_ptr[4] = w1_ptr[4];
  w1_local_ptr[5] = w1_ptr[5];
  w1_local_ptr[6] = w1_ptr[6];
  ax1_local_ptr[0] = 0x0p+0f/*0.000000e+00*/;
  ax1_local_ptr[1] = 0x0p+0f/*0.000000e+00*/;
  ax1_local_ptr[2] = 0x0p+0f/*0.000000e+00*/;
  ax1_local_ptr[3] = 0x0p+0f/*0.000000e+00*/;
  int cse_v8 = (((int)threadIdx.x) >> 5);
  int cse_v9 = (((int)threadIdx.x) & 31);
  int cse_v25 = (((((int)threadIdx.x) >> 5) * 152) + (((int)threadIdx.x) & 31));
  __syncthreads();
  ax1_local_ptr[0] = (ax1_local_ptr[0] + (ax1_pad_shared_ptr[(((((int)threadIdx.x) >> 5) * 152) + (((int)threadIdx.x) & 31))] * w1_local_ptr[0]));
  ax1_local_ptr[1] = (ax1_local_ptr[1] + (ax1_pad_shared_ptr[((((((int)threadIdx.x) >> 5) * 152) + (((int)threadIdx.x) & 31)) + 38)] * w1_local_ptr[0]));
  ax1_local_ptr[2] = (ax1_local_ptr[2] + (ax1_pad_shared_ptr[((((((int)threadIdx.x) >> 5) * 152) + (((int)threadIdx.x) & 31)) + 76)] * w1_local_ptr[0]));
  ax1_local_ptr[3] = (ax1_local_ptr[3] + (ax1_pad_shared_ptr[((((((int)threadIdx.x) >> 5) * 152) + (((int)threadIdx.x) & 31)) + 114)] * w1_local_ptr[0]));
  ax1_local_ptr[0] = (ax1_local_ptr[0] + (ax1_pad_shared_ptr[((((((int)threadIdx.x) >> 5) * 152) + (((int)threadIdx.x) & 31)) + 1)] * w1_local_ptr[1]));
  ax1_local_ptr[1] = (ax1_local_ptr[1] + (ax1_pad_shared_ptr[((((((int)threadIdx.x) >> 5) * 152) + (((int)threadIdx.x) & 31)) + 39)] * w1_local_ptr[1]));
  ax1_local_ptr[2] = (ax1_local_ptr[2] + (ax1_pad_shared_ptr[((((((int)threadIdx.x) >> 5) * 152) + (((int)threadIdx.x) & 31)) + 77)] * w1_local_ptr[1]));
  ax1_local_ptr[3] = (ax1_local_ptr[3] + (ax1_pad_shared_ptr[((((((int)threadIdx.x) >> 5) * 152) + (((int)threadIdx.x) & 31)) + 115)] * w1_local_ptr[1]));
  ax1_local_ptr[0] = (ax1_local_ptr[0] + (ax1_pad_shared_ptr[((((((int)threadIdx.x) >> 5) * 152) + (((int)threadIdx.x) & 31)) + 2)] * w1_local_ptr[2]));
  ax1_local_ptr[1] = (ax1_local_ptr[1] + (ax1_pad_shared_ptr[((((((int)threadIdx.x) >> 5) * 152) + (((int)threadIdx.x) & 31)) + 40)] * w1_local_ptr[2]));
  ax1_local_ptr[2] = (ax1_local_ptr[2] + (ax1_pad_shared_ptr[((((((int)threadIdx.x) >> 5) * 152) + (((int)threadIdx.x) & 31)) + 78)] * w1_local_ptr[2]));
  ax1_local_ptr[3] = (ax1_local_ptr[3] + (ax1_pad_shared_ptr[((((((int)threadIdx.x) >> 5) * 152) + (((int)threadIdx.x) & 31)) + 116)] * w1_local_ptr[2]));
  ax1_local_ptr[0] = (ax1_local_ptr[0] + (ax1_pad_shared_ptr[((((((int)threadIdx.x) >> 5) * 152) + (((int)threadIdx.x) & 31)) + 3)] * w1_local_ptr[3]));
  ax1_local_ptr[1] = (ax1_local_ptr[1] + (ax1_pad_shared_ptr[((((((int)threadIdx.x) >> 5) * 152) + (((int)threadIdx.x) & 31)) + 41)] * w1_local_ptr[3]));
  ax1_local_ptr[2] = (ax1_local_ptr[2] + (ax1_pad_shared_ptr[((((((int)threadIdx.x) >> 5) * 152) + (((int)threadIdx.x) & 31)) + 79)] * w1_local_ptr[3]));
  ax1_local_ptr[3] = (ax1_local_ptr[3] + (ax1_pad_shared_ptr[((((((int)threadIdx.x) >> 5) * 152) + (((int)threadIdx.x) & 31)) + 117)] * w1_local_ptr[3]));
  ax1_local_ptr[0] = (ax1_local_ptr[0] + (ax1_pad_shared_ptr[((((((int)threadIdx.x) >> 5) * 152) + (((int)threadIdx.x) & 31)) + 4)] * w1_local_ptr[4]));
  ax1_local_ptr[1] = (ax1_local_ptr[1] + (ax1_pad_shared_ptr[((((((int)threadIdx.x) >> 5) * 152) + (((int)threadIdx.x) & 31)) + 42)] * w1_local_ptr[4]));
  ax1_local_ptr[2] = (ax1_local_ptr[2] + (ax1_pad_shared_ptr[((((((int)threadIdx.x) >> 5) * 152) + (((int)threadIdx.x) & 31)) + 80)] * w1_local_ptr[4]));
  ax1_local_ptr[3] = (ax1_local_ptr[3] + (ax1_pad_shared_ptr[((((((int)threadIdx.x) >> 5) * 152) + (((int)threadIdx.x) & 31)) + 118)] * w1_local_ptr[4]));
  ax1_local_ptr[0] = (ax1_local_ptr[0] + (ax1_pad_shared_ptr[((((((int)threadIdx.x) >> 5) * 152) + (((int)threadIdx.x) & 31)) + 5)] * w1_local_ptr[5]));
  ax1_local_ptr[1] = (ax1_local_ptr[1] + (ax1_pad_shared_ptr[((((((int)threadIdx.x) >> 5) * 152) + (((int)threadIdx.x) & 31)) + 43)] * w1_local_ptr[5]));
  ax1_local_ptr[2] = (ax1_local_ptr[2] + (ax1_pad_shared_ptr[((((((int)threadIdx.x) >> 5) * 152) + (((int)threadIdx.x) & 31)) + 81)] * w1_local_ptr[5]));
  ax1_local_ptr[3] = (ax1_local_ptr[3] + (ax1_pad_shared_ptr[((((((int)threadIdx.x) >> 5) * 152) + (((int)threadIdx.x) & 31)) + 119)] * w1_local_ptr[5]));
  ax1_local_ptr[0] = (ax1_local_ptr[0] + (ax1_pad_shared_ptr[((((((int)threadIdx.x) >> 5) * 152) + (((int)threadIdx.x) & 31)) + 6)] * w1_local_ptr[6]));
  ax1_local_ptr[1] = (ax1_local_ptr[1] + (ax1_pad_shared_ptr[((((((int)threadIdx.x) >> 5) * 152) + (((int)threadIdx.x) & 31)) + 44)] * w1_local_ptr[6]));
  ax1_local_ptr[2] = (ax1_local_ptr[2] + (ax1_pad_shared_ptr[((((((int)threadIdx.x) >> 5) * 152) + (((int)threadIdx.x) & 31)) + 82)] * w1_local_ptr[6]));
  ax1_local_ptr[3] = (ax1_local_ptr[3] + (ax1_pad_shared_ptr[((((((int)threadIdx.x) >> 5) * 152) + (((int)threadIdx.x) & 31)) + 120)] * w1_local_ptr[6]));
  int cse_v31 = (((((((int)blockIdx.x) / 60) * 46080) + ((((int)threadIdx.x) >> 5) * 7680)) + ((((int)blockIdx.x) % 60) * 32)) + (((int)threadIdx.x) & 31));
  ax1_ptr[(((((((int)blockIdx.x) / 60) * 46080) + ((((int)threadIdx.x) >> 5) * 7680)) + ((((int)blockIdx.x) % 60) * 32)) + (((int)threadIdx.x) & 31))] = ax1_local_ptr[0];
  ax1_ptr[((((((((int)blockIdx.x) / 60) * 46080) + ((((int)threadIdx.x) >> 5) * 7680)) + ((((int)blockIdx.x) % 60) * 32)) + (((int)threadIdx.x) & 31)) + 1920)] = ax1_local_ptr[1];
  ax1_ptr[((((((((int)blockIdx.x) / 60) * 46080) + ((((int)threadIdx.x) >> 5) * 7680)) + ((((int)blockIdx.x) % 60) * 32)) + (((int)threadIdx.x) & 31)) + 3840)] = ax1_local_ptr[2];
  ax1_ptr[((((((((int)blockIdx.x) / 60) * 46080) + ((((int)threadIdx.x) >> 5) * 7680)) + ((((int)blockIdx.x) % 60) * 32)) + (((int)threadIdx.x) & 31)) + 5760)] = ax1_local_ptr[3];
}

