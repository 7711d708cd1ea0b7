#!/usr/bin/env bash
# Installs Debian's scikit-learn, which ships the breast cancer and digits datasets the bench reads
# (/usr/lib/python3/dist-packages/sklearn/datasets/data/) and serves as the baseline it compares with.
set -euo pipefail
if /usr/bin/python3 -c 'import sklearn' 2>/dev/null; then exit 0; fi
apt-get update -qq
apt-get install -y -qq python3-sklearn
