
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
extern "C" __global__ void __launch_bounds__(196) main_kernel(float* __restrict__ dw_ptr, float* __restrict__ w_ptr, float* __restrict__ x_ptr);
extern "C" __global__ void __launch_bounds__(196) main_kernel(float* __restrict__ dw_ptr, float* __restrict__ w_ptr, float* __restrict__ x_ptr) {
  __shared__ alignas(64) float dw_pad_shared_ptr[600];
  alignas(64) float w_local_ptr[9];
  alignas(64) float dw_local_ptr[2];
  int cse_v1 = (((int)threadIdx.x) / 30);
  int cse_v2 = (((int)threadIdx.x) % 30);
  int cse_v7 = ((((int)blockIdx.x) & 1) * 28);
  int cse_v8 = ((((int)blockIdx.x) >> 1) * 784);
  int cse_v13 = (((((int)blockIdx.x) & 7) >> 1) * 14);
  int cse_v14 = (((((int)blockIdx.x) & 1) * 28) + (((int)threadIdx.x) % 30));
  float condval;
  if (((1 <= ((((((int)blockIdx.x) & 7) >> 1) * 14) + (((int)threadIdx.x) / 30))) && (1 <= (((((int)blockIdx.x) & 1) * 28) + (((int)threadIdx.x) % 30)))) && ((((((int)blockIdx.x) & 1) * 28) + (((int)threadIdx.x) % 30)) < 57)) {
    condval = x_ptr[((((((((int)blockIdx.x) >> 1) * 784) + ((((int)threadIdx.x) / 30) * 56)) + ((((int)blockIdx.x) & 1) * 28)) + (((int)threadIdx.x) % 30)) - 57)];
  } else {
    condval = 0x0p+0f/*0.000000e+00*/;
  }
  dw_pad_shared_ptr[((int)threadIdx.x)] = condval;
  int cse_v3 = (((int)threadIdx.x) + 196);
  int cse_v9 = ((((int)threadIdx.x) + 16) % 30);
  int cse_v15 = (((((int)blockIdx.x) & 1) * 28) + ((((int)threadIdx.x) + 16) % 30));
  float condval_1;
  if ((1 <= (((((int)blockIdx.x) & 1) * 28) + ((((int)threadIdx.x) + 16) % 30))) && ((((((int)blockIdx.x) & 1) * 28) + ((((int)threadIdx.x) + 16) % 30)) < 57)) {
    condval_1 = x_ptr[((((((((int)blockIdx.x) >> 1) * 784) + (((((int)threadIdx.x) + 196) / 30) * 56)) + ((((int)blockIdx.x) & 1) * 28)) + ((((int)threadIdx.x) + 16) % 30)) - 57)];
  } else {
    condval_1 = 0x0p+0f/*0.000000e+00*/;
  }
  dw_pad_shared_ptr[(((int)threadIdx.x) + 196)] = condval_1;
  if (((int)threadIdx.x) < 88) {
    int cse_v4 = (((int)threadIdx.x) + 392);
    int cse_v10 = ((((int)threadIdx.x) + 392) / 30);
    int cse_v11 = ((((int)threadIdx.x) + 2) % 30);
    int cse_v16 = (((((int)blockIdx.x) & 1) * 28) + ((((int)threadIdx.x) + 2) % 30));
    float condval_2;
    if (((((((((int)blockIdx.x) & 7) >> 1) * 14) + ((((int)threadIdx.x) + 392) / 30)) < 57) && (1 <= (((((int)blockIdx.x) & 1) * 28) + ((((int)threadIdx.x) + 2) % 30)))) && ((((((int)blockIdx.x) & 1) * 28) + ((((int)threadIdx.x) + 2) % 30)) < 57)) {
      condval_2 = x_ptr[((((((((int)blockIdx.x) >> 1) * 784) + (((((int)threadIdx.x) + 392) / 30) * 56)) + ((((int)blockIdx.x) & 1) * 28)) + ((((int)threadIdx.x) + 2) % 30)) - 57)];
    } else {
      condval_2 = 0x0p+0f/*0.000000e+00*/;
    }
    dw_pad_shared_ptr[(((int)threadIdx.x) + 392)] = condval_2;
  }
  int cse_v12 = ((((int)blockIdx.x) >> 3) * 9);
  w_local_ptr[0] = w_ptr[((((int)blockIdx.x) >> 3) * 9)];
  w_local_ptr[1] = w_ptr[(((((int)blockIdx.x) >> 3) * 9) + 1)];
  w_local_ptr[2] = w_ptr[(((((int)blockIdx.x) >> 3) * 9) + 2)];
  w_local_ptr[3] = w_ptr[(((((int)blockIdx.x) >> 3) * 9) + 3)];
  w_local_ptr[4] = w_ptr[(((((int)blockIdx.x) >> 3) * 9) + 4)];
  w_local_ptr[5] = w_ptr[(((((int)blockIdx.x) >> 3) * 9) + 5)];
  w_local_ptr[6] = w_ptr[(((((int)blockIdx.x) >> 3) * 9) + 6)];
  w_local_ptr[7] = w_ptr[(((((int)blockIdx.x) >> 3) * 9) + 7)];
  w_local_ptr[8] = w_ptr[(((((int)blockIdx.x) >> 3) * 9) + 8)];
  dw_local_ptr[0] = 0x0p+0f/*0.000000e+00*/;
  dw_local_ptr[1] = 0x0p+0f/*0.000000e+00*/;
  int cse_v5 = (((int)threadIdx.x) / 28);
  int cse_v6 = (((int)threadIdx.x) % 28);
  int cse_v17 = (((((int)threadIdx.x) / 28) * 60) + (((int)threadIdx.x) % 28));
  __syncthreads();
  dw_local_ptr[0] = (dw_local_ptr[0] + (dw_pad_shared_ptr[(((((int)threadIdx.x) / 28) * 60) + (((int)threadIdx.x) % 28))] * w_local_ptr[0]));
  int cse_v18 = ((((((int)threadIdx.x) / 28) * 60) + (((int)threadIdx.x) % 28)) + 30);
  dw_local_ptr[1] = (dw_local_ptr[1] + (dw_pad_shared_ptr[((((((int)threadIdx.x) / 28) * 60) + (((int)threadIdx.x) % 28)) + 30)] * w_local_ptr[0]));
  dw_local_ptr[0] = (dw_local_ptr[0] + (dw_pad_shared_ptr[((((((int)threadIdx.x) / 28) * 60) + (((int)threadIdx.x) % 28)) + 1)] * w_local_ptr[1]));
  int cse_v19 = ((((((int)threadIdx.x) / 28) * 60) + (((int)threadIdx.x) % 28)) + 31);
  dw_local_ptr[1] = (dw_local_ptr[1] + (dw_pad_shared_ptr[((((((int)threadIdx.x) / 28) * 60) + (((int)threadIdx.x) % 28)) + 31)] * w_local_ptr[1]));
  dw_local_ptr[0] = (dw_local_ptr[0] + (dw_pad_shared_ptr[((((((int)threadIdx.x) / 28) * 60) + (((int)threadIdx.x) % 28)) + 2)] * w_local_ptr[2]));
  int cse_v20 = ((((((int)threadIdx.x) / 28) * 60) + (((int)threadIdx.x) % 28)) + 32);
  dw_local_ptr[1] = (dw_local_ptr[1] + (dw_pad_shared_ptr[((((((int)threadIdx.x) / 28) * 60) + (((int)threadIdx.x) % 28)) + 32)] * w_local_ptr[2]));
  dw_local_ptr[0] = (dw_local_ptr[0] + (dw_pad_shared_ptr[((((((int)threadIdx.x) / 28) * 60) + (((int)threadIdx.x) % 28)) + 30)] * w_local_ptr[3]));
  int cse_v21 = ((((((int)threadIdx.x) / 28) * 60) + (((int)threadIdx.x) % 28)) + 60);
  dw_local_ptr[1] = (dw_local_ptr[1] + (dw_pad_shared_ptr[((((((int)threadIdx.x) / 28) * 60) + (((int)threadIdx.x) % 28)) + 60)] * w_local_ptr[3]));
  dw_local_ptr[0] = (dw_local_ptr[0] + (dw_pad_shared_ptr[((((((int)threadIdx.x) / 28) * 60) + (((int)threadIdx.x) % 28)) + 31)] * w_local_ptr[4]));
  int cse_v22 = ((((((int)threadIdx.x) / 28) * 60) + (((int)threadIdx.x) % 28)) + 61);
  dw_local_ptr[1] = (dw_local_ptr[1] + (dw_pad_shared_ptr[((((((int)threadIdx.x) / 28) * 60) + (((int)threadIdx.x) % 28)) + 61)] * w_local_ptr[4]));
  dw_local_ptr[0] = (dw_local_ptr[0] + (dw_pad_shared_ptr[((((((int)threadIdx.x) / 28) * 60) + (((int)threadIdx.x) % 28)) + 32)] * w_local_ptr[5]));
  int cse_v23 = ((((((int)threadIdx.x) / 28) * 60) + (((int)threadIdx.x) % 28)) + 62);
  dw_local_ptr[1] = (dw_local_ptr[1] + (dw_pad_shared_ptr[((((((int)threadIdx.x) / 28) * 60) + (((int)threadIdx.x) % 28)) + 62)] * w_local_ptr[5]));
  dw_local_ptr[0] = (dw_local_ptr[0] + (dw_pad_shared_ptr[((((((int)threadIdx.x) / 28) * 60) + (((int)threadIdx.x) % 28)) + 60)] * w_local_ptr[6]));
  dw_local_ptr[1] = (dw_local_ptr[1] + (dw_pad_shared_ptr[((((((int)threadIdx.x) / 28) * 60) + (((int)threadIdx.x) % 28)) + 90)] * w_local_ptr[6]));
  dw_local_ptr[0] = (dw_local_ptr[0] + (dw_pad_shared_ptr[((((((int)threadIdx.x) / 28) * 60) + (((int)threadIdx.x) % 28)) + 61)] * w_local_ptr[7]));
  dw_local_ptr[1] = (dw_local_ptr[1] + (dw_pad_shared_ptr[((((((int)threadIdx.x) / 28) * 60) + (((int)threadIdx.x) % 28)) + 91)] * w_local_ptr[7]));
  dw_local_ptr[0] = (dw_local_ptr[0] + (dw_pad_shared_ptr[((((((int)threadIdx.x) / 28) * 60) + (((int)threadIdx.x) % 28)) + 62)] * w_local_ptr[8]));
  dw_local_ptr[1] = (dw_local_ptr[1] + (dw_pad_shared_ptr[((((((int)threadIdx.x) / 28) * 60) + (((int)threadIdx.x) % 28)) + 92)] * w_local_ptr[8]));
  int cse_v24 = (((((((int)blockIdx.x) >> 1) * 784) + ((((int)threadIdx.x) / 28) * 112)) + ((((int)blockIdx.x) & 1) * 28)) + (((int)threadIdx.x) % 28));
  dw_ptr[(((((((int)blockIdx.x) >> 1) * 784) + ((((int)threadIdx.x) / 28) * 112)) + ((((int)blockIdx.x) & 1) * 28)) + (((int)threadIdx.x) % 28))] = dw_local_ptr[0];
  dw_ptr[((((((((int)blockIdx.x) >> 1) * 784) + ((((int)threadIdx.x) / 28) * 112)) + ((((int)blockIdx.x) & 1) * 28)) + (((int)threadIdx.x) % 28)) + 56)] = dw_local_ptr[1];
}

