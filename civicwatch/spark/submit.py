"""The script to give spark-submit: its arguments are those of ``civicwatch spark``.

    spark-submit --master yarn --py-files civicwatch-0.1.0-py3-none-any.whl \\
        civicwatch/spark/submit.py extract warc.paths.gz --prefix s3a://commoncrawl/ --out s3a://bucket/out

The SparkSession spark-submit configured (master, executors, shipped files) is the one the job uses.
"""

from __future__ import annotations

import sys

if __name__ == "__main__":
    import typer

    from civicwatch.spark.cli import spark_app

    app = typer.Typer(add_completion=False)  # `civicwatch spark` alone: the command line of the rest is not needed
    app.add_typer(spark_app, name="spark")
    sys.exit(app(["spark", *sys.argv[1:]], prog_name="civicwatch"))
