"""A distributed Map's ResultWriter writes the children's results to S3, not only an empty manifest.

AWS: a ResultWriter with ``arn:aws:states:::s3:putObject`` and ``Parameters`` (``Bucket``, an
optional ``Prefix``) exports the Map Run's child executions under ``<Prefix>/<map run id>/``:
one file per status that has children (``SUCCEEDED_0.json``, ``FAILED_0.json``,
``PENDING_0.json``), each a JSON array of the children with that status in item order, each
child described as DescribeExecution does (``ExecutionArn``, ``Name``, ``Input`` and ``Output``
as JSON text, ``Status``, ``StartDate``, ``StopDate``, ``StateMachineArn``, the redrive fields;
``Error`` and ``Cause`` for a failed one). Then ``manifest.json``: ``DestinationBucket``,
``MapRunArn`` and ``ResultFiles`` ``{FAILED, PENDING, SUCCEEDED}``, each a list of ``{Key, Size}``
of the files written ("ResultWriter (Map)", section "Exporting to Amazon S3", AWS Step
Functions developer guide). The state's result is ``{MapRunArn, ResultWriterDetails: {Bucket,
Key}}``, ``Key`` the manifest's.

moto 5.2.5 (state_map/result_writer/resource_eval/resource_eval_s3.py, ``_handle_put_object``)
writes the manifest alone, its ``ResultFiles`` lists all empty, and drops the children's
results: a workflow (or test) that reads the results through the manifest finds none. Without
a ``Prefix`` the state fails with ``States.Runtime`` (a ``KeyError: 'Prefix'``). moto's
distributed Map workers (iteration/itemprocessor/distributed_item_processor_worker.py,
iteration/iterator/distributed_iterator_worker.py) keep no record of the children to write.

The fix: the distributed workers note each child's input (after ItemSelector), output, status,
error, cause and times on the Map Run's record, and the ResultWriter writes them as AWS does,
the child's name a UUID and its ARNs under the Map Run's state machine ARN
(``…:stateMachine:<machine>/<label>``). A child that did not succeed (failed, timed out,
stopped) goes to ``FAILED_0.json``. ``WriterConfig`` stays unsupported: moto's parser refuses
it at CreateStateMachine.
"""

import datetime
import uuid
from typing import Any

# The attribute on moto's MapRunRecord that holds the children, as the workers noted them.
_CHILDREN = "_harness_children"
_STATUSES = ("SUCCEEDED", "FAILED", "PENDING")


def _now() -> datetime.datetime:
    return datetime.datetime.now(tz=datetime.timezone.utc)


def _iso(moment: datetime.datetime) -> str:
    # DescribeExecution's dates as the result files give them: ISO 8601, UTC, to the millisecond.
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _note_children(worker_class: Any) -> None:
    """Wraps a distributed worker so each job it runs is noted on its Map Run's record."""
    import copy

    from moto.stepfunctions.parser.asl.eval.program_state import ProgramEnded, ProgramError

    original_eval_input = worker_class._eval_input
    original_eval_job = worker_class._eval_job

    def _eval_input(self: Any, env_frame: Any) -> None:
        original_eval_input(self, env_frame=env_frame)
        # The child's input: the item, or what ItemSelector (Parameters) made of it.
        self._harness_child_input = copy.deepcopy(env_frame.states.get_input())

    def _eval_job(self: Any, env: Any, job: Any) -> None:
        self._harness_child_input = job.job_input
        start = _now()
        original_eval_job(self, env=env, job=job)
        state = env.program_state()
        child = {
            "index": job.job_index,
            "name": str(uuid.uuid4()),
            "input": self._harness_child_input,
            "start": start,
            "stop": _now(),
        }
        if isinstance(state, ProgramEnded):
            child.update(status="SUCCEEDED", output=job.job_output)
        else:
            details = state.error if isinstance(state, ProgramError) else None
            child.update(status="FAILED", error=(details or {}).get("error"), cause=(details or {}).get("cause"))
        # Workers run in threads; list.append is atomic in CPython.
        record = self._map_run_record
        if not hasattr(record, _CHILDREN):
            setattr(record, _CHILDREN, [])
        getattr(record, _CHILDREN).append(child)

    worker_class._eval_input = _eval_input
    worker_class._eval_job = _eval_job


def _child_record(child: dict[str, Any], state_machine_arn: str) -> dict[str, Any]:
    """A child as the result files describe it (Transformation NONE), keys in AWS's alphabetical order."""
    from moto.stepfunctions.parser.asl.utils.encoding import to_json_str

    compact = (",", ":")
    execution_prefix = state_machine_arn.replace(":stateMachine:", ":execution:", 1)
    record: dict[str, Any] = {}
    if child["status"] == "FAILED":
        if child.get("cause") is not None:
            record["Cause"] = child["cause"]
        if child.get("error") is not None:
            record["Error"] = child["error"]
    record["ExecutionArn"] = f"{execution_prefix}:{child['name']}"
    record["Input"] = to_json_str(child["input"], separators=compact)
    record["InputDetails"] = {"Included": True}
    record["Name"] = child["name"]
    if child["status"] == "SUCCEEDED":
        record["Output"] = to_json_str(child.get("output"), separators=compact)
        record["OutputDetails"] = {"Included": True}
        record["RedriveCount"] = 0
        record["RedriveStatus"] = "NOT_REDRIVABLE"
        record["RedriveStatusReason"] = "Execution is SUCCEEDED and cannot be redriven"
    else:
        record["RedriveCount"] = 0
        record["RedriveStatus"] = "REDRIVABLE_BY_MAP_RUN"
    record["StartDate"] = _iso(child["start"])
    record["StateMachineArn"] = state_machine_arn
    record["Status"] = child["status"]
    record["StopDate"] = _iso(child["stop"])
    return record


def apply() -> None:
    from moto.stepfunctions.parser.asl.component.state.exec.state_map.iteration.itemprocessor.distributed_item_processor_worker import (
        DistributedItemProcessorWorker,
    )
    from moto.stepfunctions.parser.asl.component.state.exec.state_map.iteration.iterator.distributed_iterator_worker import (
        DistributedIteratorWorker,
    )
    from moto.stepfunctions.parser.asl.component.state.exec.state_map.result_writer.resource_eval.resource_eval_s3 import (
        ResourceEvalS3,
    )
    from moto.stepfunctions.parser.asl.utils.encoding import to_json_str

    _note_children(DistributedItemProcessorWorker)
    _note_children(DistributedIteratorWorker)

    def _handle_put_object(env: Any, resource_runtime_part: Any, state_credentials: Any) -> None:
        parameters = env.stack.pop()
        env.stack.pop()  # the children's outputs alone: the records noted by the workers say more
        s3_client = ResourceEvalS3._get_s3_client(
            resource_runtime_part=resource_runtime_part,
            state_credentials=state_credentials,
        )
        map_run_record = env.map_run_record_pool_manager.get_all().pop()
        run_id = map_run_record.map_run_arn.split(":")[-1]
        bucket = parameters["Bucket"]
        prefix = str(parameters.get("Prefix") or "").rstrip("/")
        folder = f"{prefix}/{run_id}" if prefix else run_id

        children = sorted(getattr(map_run_record, _CHILDREN, []), key=lambda child: child["index"])
        result_files: dict[str, list[dict[str, Any]]] = {status: [] for status in _STATUSES}
        for status in _STATUSES:
            records = [
                _child_record(child, map_run_record.map_state_machine_arn)
                for child in children
                if child["status"] == status
            ]
            if not records:
                continue
            key = f"{folder}/{status}_0.json"
            body = to_json_str(records, separators=(",", ":")).encode("utf8")
            s3_client.put_object(Bucket=bucket, Key=key, Body=body)
            result_files[status].append({"Key": key, "Size": len(body)})

        manifest = {
            "DestinationBucket": bucket,
            "MapRunArn": map_run_record.map_run_arn,
            "ResultFiles": {status: result_files[status] for status in ("FAILED", "PENDING", "SUCCEEDED")},
        }
        key = f"{folder}/manifest.json"
        s3_client.put_object(Bucket=bucket, Key=key, Body=to_json_str(manifest, separators=(",", ":")).encode("utf8"))
        env.stack.append({"MapRunArn": map_run_record.map_run_arn, "ResultWriterDetails": {"Bucket": bucket, "Key": key}})

    ResourceEvalS3._handle_put_object = staticmethod(_handle_put_object)
