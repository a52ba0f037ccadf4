#!/bin/sh
# One-shot (temporalio/admin-tools): the namespace and upc's search attributes.
set -eu
ns="${TEMPORAL_NAMESPACE:-default}"
addr="--address ${TEMPORAL_ADDRESS:-temporal:7233}"
until temporal operator cluster health $addr >/dev/null 2>&1; do sleep 2; done
temporal operator namespace describe --namespace "$ns" $addr >/dev/null 2>&1 \
  || temporal operator namespace create --namespace "$ns" --retention 30d $addr
existing=$(temporal operator search-attribute list --namespace "$ns" $addr)
for name in UpcCaseId UpcWorkflowKind; do
  echo "$existing" | grep -qw "$name" \
    || temporal operator search-attribute create --namespace "$ns" --name "$name" --type Keyword $addr
done
echo "namespace $ns has UpcCaseId and UpcWorkflowKind"
