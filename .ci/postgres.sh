# shellcheck shell=bash
# Sourced by .ci/run: starts the machine's PostgreSQL cluster on 127.0.0.1 and exports the test
# connection string. Works whether or not the cluster already runs.
pg_version=$(ls /usr/lib/postgresql | sort -V | tail -n 1)
pg_cluster=main
pg_port=5432
if ! pg_lsclusters -h 2>/dev/null | awk '{print $1" "$2}' | grep -qx "$pg_version $pg_cluster"; then
  pg_createcluster "$pg_version" "$pg_cluster" --port "$pg_port" >/dev/null
fi
pg_port=$(pg_lsclusters -h | awk -v v="$pg_version" -v c="$pg_cluster" '$1==v && $2==c {print $3}')
if ! pg_lsclusters -h | awk -v v="$pg_version" -v c="$pg_cluster" '$1==v && $2==c {print $4}' | grep -q online; then
  pg_ctlcluster "$pg_version" "$pg_cluster" start -- -o "-c listen_addresses=127.0.0.1"
fi
for _ in $(seq 1 30); do
  pg_isready -h 127.0.0.1 -p "$pg_port" -q && break
  sleep 1
done
pg_isready -h 127.0.0.1 -p "$pg_port"
# A throwaway test role and database: the password is not a secret, the server listens on loopback only.
su postgres -c "psql -p $pg_port -v ON_ERROR_STOP=1 -qtAc \"DO \\\$\\\$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'keap_test') THEN CREATE ROLE keap_test LOGIN PASSWORD 'keap_test' CREATEDB; END IF; END\\\$\\\$;\""
su postgres -c "psql -p $pg_port -qtAc \"SELECT 1 FROM pg_database WHERE datname = 'keap_test'\"" | grep -q 1 \
  || su postgres -c "createdb -p $pg_port -O keap_test keap_test"
export KEAP_TEST_POSTGRES="Host=127.0.0.1;Port=$pg_port;Database=keap_test;Username=keap_test;Password=keap_test"
