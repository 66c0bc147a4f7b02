#!/bin/sh
# Creates the bucket and twincms's least-privilege user (objects in the
# twincms bucket only; no admin, no other buckets). Idempotent.
set -eu
until mc alias set cluster http://minio-lb:9000 "$MINIO_ROOT_USER" "$MINIO_ROOT_PASSWORD" >/dev/null 2>&1; do sleep 2; done
until mc ready cluster >/dev/null 2>&1; do sleep 2; done
mc mb --ignore-existing cluster/twincms
mc admin policy create cluster twincms /setup/minio-twincms-policy.json
mc admin user add cluster "$TWINCMS_S3_ACCESS_KEY" "$TWINCMS_S3_SECRET_KEY"
mc admin policy attach cluster twincms --user "$TWINCMS_S3_ACCESS_KEY" || true  # already attached on a re-run
echo "bucket twincms and user $TWINCMS_S3_ACCESS_KEY ready"
