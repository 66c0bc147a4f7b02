#!/usr/bin/env bash
# Backup of a production twincms (MongoDB replica set + MinIO) to a second
# site: a consistent mongodump with the oplog, then the objects mirrored into
# a versioned bucket with object locking, originals under retention. The
# database first, then the objects: objects are immutable by key and
# written before the record naming them, and the mirror never removes, so
# every object the dump names is in the backup bucket.
#
#   backup-production.sh prepare   make the backup bucket (versioning + object lock)
#   backup-production.sh mongo     mongodump --oplog into $BACKUP_DIR
#   backup-production.sh objects   mirror the bucket, lock the originals, compare
#   backup-production.sh all       mongo, then objects
#
# Environment:
#   TWINCMS_MONGODB_URI                 the replica set (mongo, all)
#   BACKUP_DIR                          where the dumps go (mongo, all)
#   SRC_URL SRC_ACCESS_KEY SRC_SECRET_KEY SRC_BUCKET   the MinIO twincms uses
#   DST_URL DST_ACCESS_KEY DST_SECRET_KEY DST_BUCKET   the backup MinIO (another site)
#   LOCK_MODE (GOVERNANCE)  LOCK_DAYS (3650)           retention of originals/
#   MC (mc on PATH)  MONGODUMP (mongodump on PATH)
# Restore: see docs/production.md#backup-and-restore.
set -euo pipefail
cmd=${1:?usage: backup-production.sh prepare|mongo|objects|all}
MC=${MC:-mc}
MONGODUMP=${MONGODUMP:-mongodump}
LOCK_MODE=${LOCK_MODE:-GOVERNANCE}
LOCK_DAYS=${LOCK_DAYS:-3650}
export MC_CONFIG_DIR=${MC_CONFIG_DIR:-$(mktemp -d)}

aliases() {
  "$MC" alias set twincms-src "${SRC_URL:?}" "${SRC_ACCESS_KEY:?}" "${SRC_SECRET_KEY:?}" >/dev/null
  "$MC" alias set twincms-dst "${DST_URL:?}" "${DST_ACCESS_KEY:?}" "${DST_SECRET_KEY:?}" >/dev/null
}

prepare() {
  aliases
  # Object locking can only be chosen when a bucket is made; it turns
  # versioning on, so an overwrite or delete keeps the old version.
  if ! "$MC" stat "twincms-dst/${DST_BUCKET:?}" >/dev/null 2>&1; then
    "$MC" mb --with-lock "twincms-dst/$DST_BUCKET"
  fi
  "$MC" version enable "twincms-dst/$DST_BUCKET" >/dev/null
}

mongo() {
  local stamp out
  stamp=$(date -u +%Y%m%dT%H%M%SZ)
  mkdir -p "${BACKUP_DIR:?}"
  out="$BACKUP_DIR/twincms-$stamp.archive.gz"
  # --oplog: the dump is one point in time (the oplog entries written while
  # it ran are in it and replayed by mongorestore --oplogReplay); it needs
  # a replica set. A partial file never has the final name.
  "$MONGODUMP" --uri="${TWINCMS_MONGODB_URI:?}" --oplog --gzip --archive="$out.partial"
  mv "$out.partial" "$out"
  sha256sum "$out" >"$out.sha256"
  echo "database: $out"
}

objects() {
  aliases
  # New objects only (same name and size are skipped); never --remove: a
  # purge on the live site does not reach the backup before retention ends.
  "$MC" mirror --preserve --quiet "twincms-src/${SRC_BUCKET:?}" "twincms-dst/${DST_BUCKET:?}"
  # Originals are the archive: lock their current versions.
  if "$MC" ls "twincms-dst/$DST_BUCKET/originals/" >/dev/null 2>&1; then
    "$MC" retention set --recursive "$LOCK_MODE" "${LOCK_DAYS}d" "twincms-dst/$DST_BUCKET/originals/" >/dev/null
  fi
  # Every object of the source is in the backup with the same size and
  # ETag (mc diff lists what differs or is missing there).
  local diff
  diff=$("$MC" diff "twincms-src/$SRC_BUCKET" "twincms-dst/$DST_BUCKET" | grep -v '^>' || true)
  if [ -n "$diff" ]; then
    echo "objects differ after the mirror:" >&2
    echo "$diff" >&2
    return 1
  fi
  echo "objects: twincms-src/$SRC_BUCKET mirrored to twincms-dst/$DST_BUCKET"
}

case "$cmd" in
  prepare) prepare ;;
  mongo) mongo ;;
  objects) objects ;;
  all) mongo; objects ;;
  *) echo "unknown command $cmd" >&2; exit 2 ;;
esac
