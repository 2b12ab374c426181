
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
extern "C" __global__ void __launch_bounds__(192) main_kernel(float* __restrict__ ax0_ptr, float* __restrict__ w_ptr, float* __restrict__ x_ptr);
extern "C" __global__ void __launch_bounds__(192) main_kernel(float* __restrict__ ax0_ptr, float* __restrict__ w_ptr, float* __restrict__ x_ptr) {
  __shared__ alignas(64) float ax0_pad_shared_ptr[576];
  alignas(64) float w_local_ptr[7];
  alignas(64) float ax0_local_ptr[2];
  int cse_v1 = (((int)blockIdx.x) / 60);
  int cse_v2 = (((int)threadIdx.x) >> 5);
  int cse_v3 = (((int)threadIdx.x) & 31);
  int cse_v4 = ((((int)blockIdx.x) / 60) * 23040);
  int cse_v5 = ((((int)blockIdx.x) % 60) * 32);
  int cse_v6 = (((((int)blockIdx.x) / 60) * 4) + (((int)threadIdx.x) / 96));
  int cse_v14 = (((((((int)blockIdx.x) / 60) * 23040) + ((((int)threadIdx.x) >> 5) * 1920)) + ((((int)blockIdx.x) % 60) * 32)) + (((int)threadIdx.x) & 31));
  float condval;
  if (1 <= (((((int)blockIdx.x) / 60) * 4) + (((int)threadIdx.x) / 96))) {
    condval = x_ptr[((((((((int)blockIdx.x) / 60) * 23040) + ((((int)threadIdx.x) >> 5) * 1920)) + ((((int)blockIdx.x) % 60) * 32)) + (((int)threadIdx.x) & 31)) - 5760)];
  } else {
    condval = 0x0p+0f/*0.000000e+00*/;
  }
  ax0_pad_shared_ptr[((int)threadIdx.x)] = condval;
  ax0_pad_shared_ptr[(((int)threadIdx.x) + 192)] = x_ptr[((((((((int)blockIdx.x) / 60) * 23040) + ((((int)threadIdx.x) >> 5) * 1920)) + ((((int)blockIdx.x) % 60) * 32)) + (((int)threadIdx.x) & 31)) + 5760)];
  float condval_1;
  if ((((((int)blockIdx.x) / 60) * 4) + (((int)threadIdx.x) / 96)) < 357) {
    condval_1 = x_ptr[((((((((int)blockIdx.x) / 60) * 23040) + ((((int)threadIdx.x) >> 5) * 1920)) + ((((int)blockIdx.x) % 60) * 32)) + (((int)threadIdx.x) & 31)) + 17280)];
  } else {
    condval_1 = 0x0p+0f/*0.000000e+00*/;
  }
  ax0_pad_shared_ptr[(((int)threadIdx.x) + 384)] = condval_1;
  w_local_ptr[0] = w_ptr[0];
  w_local_ptr[1] = w_ptr[1];
  w_local_ptr[2] = w_ptr[2];
  w_local_ptr[3] = w_ptr[3];
  w_local_ptr[4] = w_ptr[4];
  w_local_ptr[5] = w_ptr[5];
  w_local_ptr[6] = w_ptr[6];
  ax0_local_ptr[0] = 0x0p+0f/*0.000000e+00*/;
  ax0_local_ptr[1] = 0x0p+0f/*0.000000e+00*/;
  int cse_v7 = (((((int)threadIdx.x) >> 5) * 64) + (((int)threadIdx.x) & 31));
  __syncthreads();
  ax0_local_ptr[0] = (ax0_local_ptr[0] + (ax0_pad_shared_ptr[(((((int)threadIdx.x) >> 5) * 64) + (((int)threadIdx.x) & 31))] * w_local_ptr[0]));
  int cse_v8 = ((((((int)threadIdx.x) >> 5) * 64) + (((int)threadIdx.x) & 31)) + 32);
  ax0_local_ptr[1] = (ax0_local_ptr[1] + (ax0_pad_shared_ptr[((((((int)threadIdx.x) >> 5) * 64) + (((int)threadIdx.x) & 31)) + 32)] * w_local_ptr[0]));
  ax0_local_ptr[0] = (ax0_local_ptr[0] + (ax0_pad_shared_ptr[((((((int)threadIdx.x) >> 5) * 64) + (((int)threadIdx.x) & 31)) + 32)] * w_local_ptr[1]));
  int cse_v9 = ((((((int)threadIdx.x) >> 5) * 64) + (((int)threadIdx.x) & 31)) + 64);
  ax0_local_ptr[1] = (ax0_local_ptr[1] + (ax0_pad_shared_ptr[((((((int)threadIdx.x) >> 5) * 64) + (((int)threadIdx.x) & 31)) + 64)] * w_local_ptr[1]));
  ax0_local_ptr[0] = (ax0_local_ptr[0] + (ax0_pad_shared_ptr[((((((int)threadIdx.x) >> 5) * 64) + (((int)threadIdx.x) & 31)) + 64)] * w_local_ptr[2]));
  int cse_v10 = ((((((int)threadIdx.x) >> 5) * 64) + (((int)threadIdx.x) & 31)) + 96);
  ax0_local_ptr[1] = (ax0_local_ptr[1] + (ax0_pad_shared_ptr[((((((int)threadIdx.x) >> 5) * 64) + (((int)threadIdx.x) & 31)) + 96)] * w_local_ptr[2]));
  ax0_local_ptr[0] = (ax0_local_ptr[0] + (ax0_pad_shared_ptr[((((((int)threadIdx.x) >> 5) * 64) + (((int)threadIdx.x) & 31)) + 96)] * w_local_ptr[3]));
  int cse_v11 = ((((((int)threadIdx.x) >> 5) * 64) + (((int)threadIdx.x) & 31)) + 128);
  ax0_local_ptr[1] = (ax0_local_ptr[1] + (ax0_pad_shared_ptr[((((((int)threadIdx.x) >> 5) * 64) + (((int)threadIdx.x) & 31)) + 128)] * w_local_ptr[3]));
  ax0_local_ptr[0] = (ax0_local_ptr[0] + (ax0_pad_shared_ptr[((((((int)threadIdx.x) >> 5) * 64) + (((int)threadIdx.x) & 31)) + 128)] * w_local_ptr[4]));
  int cse_v12 = ((((((int)threadIdx.x) >> 5) * 64) + (((int)threadIdx.x) & 31)) + 160);
  ax0_local_ptr[1] = (ax0_local_ptr[1] + (ax0_pad_shared_ptr[((((((int)threadIdx.x) >> 5) * 64) + (((int)threadIdx.x) & 31)) + 160)] * w_local_ptr[4]));
  ax0_local_ptr[0] = (ax0_local_ptr[0] + (ax0_pad_shared_ptr[((((((int)threadIdx.x) >> 5) * 64) + (((int)threadIdx.x) & 31)) + 160)] * w_local_ptr[5]));
  int cse_v13 = ((((((int)threadIdx.x) >> 5) * 64) + (((int)threadIdx.x) & 31)) + 192);
  ax0_local_ptr[1] = (ax0_local_ptr[1] + (ax0_pad_shared_ptr[((((((int)threadIdx.x) >> 5) * 64) + (((int)threadIdx.x) & 31)) + 192)] * w_local_ptr[5]));
  ax0_local_ptr[0] = (ax0_local_ptr[0] + (ax0_pad_shared_ptr[((((((int)threadIdx.x) >> 5) * 64) + (((int)threadIdx.x) & 31)) + 192)] * w_local_ptr[6]));
  ax0_local_ptr[1] = (ax0_local_ptr[1] + (ax0_pad_shared_ptr[((((((int)threadIdx.x) >> 5) * 64) + (((int)threadIdx.x) & 31)) + 224)] * w_local_ptr[6]));
  int cse_v15 = (((((((int)blockIdx.x) / 60) * 23040) + ((((int)threadIdx.x) >> 5) * 3840)) + ((((int)blockIdx.x) % 60) * 32)) + (((int)threadIdx.x) & 31));
  ax0_ptr[(((((((int)blockIdx.x) / 60) * 23040) + ((((int)threadIdx.x) >> 5) * 3840)) + ((((int)blockIdx.x) % 60) * 32)) + (((int)threadIdx.x) & 31))] = ax0_local_ptr[0];
  ax0_ptr[((((((((int)blockIdx.x) / 60) * 23040) + ((((int)threadIdx.x) >> 5) * 3840)) + ((((int)blockIdx.x) % 60) * 32)) + (((int)threadIdx.x) & 31)) + 1920)] = ax0_local_ptr[1];
}

