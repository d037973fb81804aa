"""What both Spark drivers (extract_spark.py, ingest_spark.py) share: running the `extract`
binary inside a Spark task, and turning a failed task into the driver's one-line message and
exit code.

Shipping: a driver imports this file from its own folder and adds it to its Spark context
(`SparkContext.addPyFile`), so executors import it too. Submit the driver from its folder
(`spark-submit spark/extract_spark.py ...`); when the driver itself is shipped to the cluster
(`--deploy-mode cluster`), ship this file with it: `--py-files spark/extract_task.py`.
Needs only the Python standard library (pyspark where a function says so).
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

STDERR_TAIL = 2000
EXIT_MARK = re.compile(r"\[extract exit (\d+)\]")


class ShardFailed(RuntimeError):
    """A task's binary exited non-zero; the message carries `[extract exit N]` and the stderr tail."""


def resolve_binary(path):
    """The binary to run: `path`, else `extract` shipped with --files (SparkFiles). Made executable
    (files fetched by Spark may lose the bit): chmod, else a private copy."""
    if not path:
        from pyspark import SparkFiles
        path = SparkFiles.get("extract")
    if os.path.isfile(path) and not os.access(path, os.X_OK):
        try:
            os.chmod(path, os.stat(path).st_mode | 0o111)
        except OSError:
            copy = os.path.join(tempfile.mkdtemp(prefix="extract-bin-"), "extract")
            shutil.copyfile(path, copy)
            os.chmod(copy, 0o755)
            path = copy
    return path


def run_binary(binary, args, what):
    """Runs the binary; returns (stdout, stderr) or raises ShardFailed naming `what`."""
    try:
        proc = subprocess.run([binary] + args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    except OSError as e:
        raise ShardFailed("%s: cannot run the extract binary %r: %s [extract exit 3]" % (what, binary, e.strerror))
    err = proc.stderr.decode("utf-8", "replace")
    if proc.returncode != 0:
        raise ShardFailed("%s failed [extract exit %d]: %s" % (what, proc.returncode, err[-STDERR_TAIL:].strip()))
    return proc.stdout.decode("utf-8", "replace"), err


def get_spark(app_name, **conf):
    """The session (a new one runs local[*] unless spark.master is set, e.g. by spark-submit),
    with this file added to its context so that executors can import it."""
    from pyspark import SparkConf
    from pyspark.sql import SparkSession
    builder = SparkSession.builder.appName(app_name)
    for key, value in conf.items():
        builder = builder.config(key, value)
    if not SparkConf().contains("spark.master"):
        builder = builder.master("local[*]")
    spark = builder.getOrCreate()
    spark.sparkContext.addPyFile(os.path.abspath(__file__))
    return spark


def main(prog, run, args):
    """Runs `run(args)`; a failed task becomes one line `PROG: ...` on stderr and the binary's
    exit code (1 when unknown). Returns the exit code."""
    try:
        return run(args)
    except ShardFailed as e:
        print("%s: %s" % (prog, e), file=sys.stderr)
        return exit_code(str(e))
    except Exception as e:  # a Spark job failure wraps the task's ShardFailed text
        text = str(e)
        print("%s: job failed: %s" % (prog, task_message(text)), file=sys.stderr)
        return exit_code(text)


def task_message(text):
    """The failed task's own message inside a Spark job error (its Python and JVM traces cut)."""
    start = text.find("ShardFailed: ")
    if start < 0:
        return text[-STDERR_TAIL:].strip()
    detail = text[start + len("ShardFailed: "):]
    return re.split(r"\n(?:\s*SQLSTATE|\s+at |\tat |Traceback|Caused by)", detail)[0].strip()


def exit_code(text):
    m = EXIT_MARK.search(text)
    code = int(m.group(1)) if m else 1
    return code if code != 0 else 1
