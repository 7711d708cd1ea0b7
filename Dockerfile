# Multi-stage build of the llm server.
#   CPU (default):   docker build -t llm .
#   NVIDIA CUDA 12:  docker build --build-arg BACKEND=cuda12 -t llm:cuda .   (run with --gpus all, pass --gpu-layers -1)
# The backend is an MSBuild property (LlmBackend=Cpu|Cuda12) that picks the LLamaSharp native package.
ARG BACKEND=cpu

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
ARG BACKEND
WORKDIR /src
COPY Directory.Build.props Directory.Packages.props Llm.sln ./
COPY src/ src/
RUN case "$BACKEND" in \
      cpu) property=Cpu ;; \
      cuda12) property=Cuda12 ;; \
      *) echo "BACKEND must be cpu or cuda12" >&2; exit 1 ;; \
    esac \
 && dotnet publish src/Api/Api.csproj -c Release -o /app -p:LlmBackend=$property

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime-cpu
# llama.cpp's CPU backend is built with OpenMP.
RUN apt-get update && apt-get install -y --no-install-recommends libgomp1 && rm -rf /var/lib/apt/lists/*

FROM nvidia/cuda:12.4.1-cudnn-runtime-ubuntu22.04 AS runtime-cuda12
RUN apt-get update && apt-get install -y --no-install-recommends libgomp1 ca-certificates && rm -rf /var/lib/apt/lists/*
# The .NET runtime comes from the official image; CUDA and cuBLAS from this base.
COPY --from=mcr.microsoft.com/dotnet/aspnet:10.0 /usr/share/dotnet /usr/share/dotnet
RUN ln -s /usr/share/dotnet/dotnet /usr/bin/dotnet
# LLamaSharp finds the CUDA version through this variable (otherwise it may fall back to the CPU silently).
ENV CUDA_VERSION=12.4

FROM runtime-${BACKEND} AS final
WORKDIR /app
COPY --from=build /app .
ENV Llm__Host=0.0.0.0 \
    Llm__Port=8080 \
    Llm__CacheDirectory=/data/cache
VOLUME ["/models", "/data"]
EXPOSE 8080
ENTRYPOINT ["dotnet", "llm.dll"]
