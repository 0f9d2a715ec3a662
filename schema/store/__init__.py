"""Storage: the connection and write transaction, row helpers, migrations, the events table and
backup. Feature services above this package write through it; rules, validation and types never
import it."""
