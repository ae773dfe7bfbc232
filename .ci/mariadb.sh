# shellcheck shell=bash
# Sourced by .ci/run: starts the machine's MariaDB server on 127.0.0.1 without systemd and exports the test
# connection string. Works as root, whether or not the server already runs.
if ! mariadb-admin -u root ping >/dev/null 2>&1; then
  install -d -o mysql -g mysql -m 0755 /run/mysqld
  # The package initialises the data directory; initialise one if it is missing.
  [ -d /var/lib/mysql/mysql ] || mariadb-install-db --user=mysql --datadir=/var/lib/mysql >/dev/null
  # Detached from this shell, so the server outlives .ci/run's process group like a service would.
  setsid mariadbd-safe --user=mysql --bind-address=127.0.0.1 --port=3306 </dev/null >/dev/null 2>&1 &
  for _ in $(seq 1 30); do
    mariadb-admin -u root ping >/dev/null 2>&1 && break
    sleep 1
  done
fi
mariadb-admin -u root ping
mariadb_port=$(mariadb -u root -Nse 'SELECT @@port')
# A throwaway test account and database: the password is not a secret, the server listens on loopback only.
mariadb -u root -e "CREATE DATABASE IF NOT EXISTS keap_test;
  CREATE USER IF NOT EXISTS 'keap_test'@'localhost' IDENTIFIED BY 'keap_test';
  CREATE USER IF NOT EXISTS 'keap_test'@'127.0.0.1' IDENTIFIED BY 'keap_test';
  GRANT ALL ON keap_test.* TO 'keap_test'@'localhost';
  GRANT ALL ON keap_test.* TO 'keap_test'@'127.0.0.1';"
export KEAP_TEST_MARIADB="Server=127.0.0.1;Port=$mariadb_port;Database=keap_test;User ID=keap_test;Password=keap_test"
