"""Storage: the database connection, migrations, and one module of SQL per aggregate."""
