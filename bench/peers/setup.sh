#!/usr/bin/env bash
# Installs the benchmark peers (Stan through rstan, plus R's loo and posterior) on a Debian 12 machine, and lme4 and
# MASS (the data sets of tests/fixtures/families, exported by tests/fixtures/families/export-data.R).
# Run as root (or with sudo): bash bench/peers/setup.sh
# Afterwards `Rscript -e 'library(rstan)'` must work, and `npm run bench` fits the Stan peer.
set -euo pipefail

if ! command -v apt-get >/dev/null 2>&1; then
  echo "setup.sh: apt-get not found; this script installs Debian packages (Debian 12 'bookworm')." >&2
  exit 1
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
# r-cran-rstan 2.21 compiles Stan programs at run time: it needs a C++ toolchain and Boost headers.
$SUDO apt-get install -y --no-install-recommends \
  r-base-core r-base-dev r-cran-rstan r-cran-loo r-cran-posterior r-cran-bh libboost-dev g++ make \
  r-cran-lme4 r-cran-mass

# Debian's r-cran-bh ships an empty BH package (the headers are in libboost-dev), but rstan's compile step adds
# -I<site-library>/BH/include. Point that directory at /usr/include so Boost is found.
BH_DIR="$(Rscript -e 'cat(system.file(package = "BH"))')"
if [ -z "$BH_DIR" ]; then
  echo "setup.sh: R package BH not found after install" >&2
  exit 1
fi
if [ ! -e "$BH_DIR/include/boost/version.hpp" ]; then
  if [ -d "$BH_DIR/include" ] && [ ! -L "$BH_DIR/include" ]; then
    $SUDO rmdir "$BH_DIR/include" 2>/dev/null || $SUDO mv "$BH_DIR/include" "$BH_DIR/include.debian-empty"
  fi
  $SUDO ln -sfn /usr/include "$BH_DIR/include"
fi
echo "setup.sh: BH include -> $(readlink -f "$BH_DIR/include")"

Rscript -e 'suppressPackageStartupMessages({library(rstan); library(posterior); library(loo)});
  cat("rstan", as.character(packageVersion("rstan")), "posterior", as.character(packageVersion("posterior")),
      "loo", as.character(packageVersion("loo")), "\n")'
