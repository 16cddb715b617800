# ml-expert over streamable HTTP with a bearer token.
#   docker build -t ml-expert .
#   docker run -p 8000:8000 -e ML_EXPERT_TOKEN=... -v "$PWD/data:/data:ro" -v ml-expert:/workspace ml-expert
FROM python:3.11-slim

# CPU wheels of torch; point at another index (e.g. a CUDA one) with --build-arg.
ARG TORCH_INDEX_URL=https://download.pytorch.org/whl/cpu

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    ML_EXPERT_WORKSPACE=/workspace

WORKDIR /app
COPY pyproject.toml README.md ./
COPY server ./server
COPY tools ./tools
COPY prompts ./prompts
RUN pip install --extra-index-url "${TORCH_INDEX_URL}" . \
    && useradd --create-home --uid 1000 mlexpert \
    && mkdir -p /workspace /data \
    && chown mlexpert /workspace

USER 1000
VOLUME ["/workspace"]
EXPOSE 8000
CMD ["ml-expert", "serve", "--http", "0.0.0.0:8000", "--root", "/data"]
