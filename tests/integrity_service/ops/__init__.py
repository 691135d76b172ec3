"""Operations tests: logs, health, metrics, backups, faults and a small load run."""
