"""Used by FacesLambdaIntakeRoutesTest and the demo (FacesDemo), with Debian's python3-boto3.
Invokes the faces Lambda intake the way the members' site (concrexit, facedetection/services.py) does:
boto3.client("lambda", aws_access_key_id=..., aws_secret_access_key=...).invoke(FunctionName=<ARN>,
InvocationType="Event", Payload=json.dumps(request)), plus region_name and endpoint_url to reach this service
(boto3 1.26 takes no AWS_ENDPOINT_URL_LAMBDA). One call per run; the arguments come as JSON on stdin:
{"endpoint", "region", "key", "secret", "function", "type", "payload" (an object, sent as json.dumps) or
"payload_raw" (a string, sent as it is), "clock_offset_seconds" (signs with a clock that far off)}.
Prints the outcome as JSON: {"StatusCode", "FunctionError", "Payload", "RequestId"} or
{"error": {"Code", "Message", "HTTPStatusCode", "Type"}}."""
import datetime
import json
import sys

import boto3
import botocore.auth
from botocore.exceptions import ClientError

args = json.load(sys.stdin)

offset = args.get("clock_offset_seconds")
if offset:
    class _ShiftedDatetime(datetime.datetime):
        @classmethod
        def utcnow(cls):
            return datetime.datetime.utcnow() + datetime.timedelta(seconds=offset)

    class _DatetimeModule:
        datetime = _ShiftedDatetime

    botocore.auth.datetime = _DatetimeModule

client = boto3.client(
    service_name="lambda",
    aws_access_key_id=args["key"],
    aws_secret_access_key=args["secret"],
    region_name=args["region"],
    endpoint_url=args["endpoint"],
)
payload = args["payload_raw"] if "payload_raw" in args else json.dumps(args["payload"])
try:
    response = client.invoke(
        FunctionName=args["function"],
        InvocationType=args.get("type", "Event"),
        Payload=payload,
    )
    print(json.dumps({
        "StatusCode": response["StatusCode"],
        "FunctionError": response.get("FunctionError"),
        "Payload": response["Payload"].read().decode("utf-8"),
        "RequestId": response["ResponseMetadata"].get("RequestId"),
    }))
except ClientError as e:
    print(json.dumps({"error": {
        "Code": e.response["Error"]["Code"],
        "Message": e.response["Error"]["Message"],
        "HTTPStatusCode": e.response["ResponseMetadata"]["HTTPStatusCode"],
        "Type": e.response.get("Type"),
    }}))
