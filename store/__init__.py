"""Storage layer: SQLAlchemy models, repositories, migrations, unit of work, demo data."""
