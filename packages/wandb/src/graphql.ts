/** The GraphQL documents ouroboros sends, as the official clients write them (see /work/shared/reference/wandb-protocol.md). */

export const UPSERT_BUCKET = `mutation UpsertBucket($id: String, $name: String, $project: String, $entity: String,
  $groupName: String, $description: String, $displayName: String, $notes: String,
  $commit: String, $config: JSONString, $host: String, $debug: Boolean, $program: String,
  $repo: String, $jobType: String, $state: String, $sweep: String, $tags: [String!],
  $summaryMetrics: JSONString) {
  upsertBucket(input: {id: $id, name: $name, groupName: $groupName, modelName: $project,
    entityName: $entity, description: $description, displayName: $displayName, notes: $notes,
    config: $config, commit: $commit, host: $host, debug: $debug, jobProgram: $program,
    jobRepo: $repo, jobType: $jobType, state: $state, sweep: $sweep, tags: $tags,
    summaryMetrics: $summaryMetrics}) {
    bucket { id name displayName description config sweepName
             project { id name entity { id name } } historyLineCount }
    inserted
  }
}`;

export interface UpsertBucketReply {
  upsertBucket: {
    bucket: { id: string; name: string; displayName?: string | null; sweepName?: string | null; historyLineCount?: number | null; project: { name: string; entity: { name: string } } };
    inserted?: boolean;
  };
}

export const RUN_RESUME_STATUS = `query RunResumeStatus($project: String, $entity: String, $name: String!) {
  model(name: $project, entityName: $entity) {
    id name entity { id name }
    bucket(name: $name, missingOk: true) {
      id name summaryMetrics displayName logLineCount historyLineCount eventsLineCount historyTail eventsTail config tags notes
    }
  }
}`;

export interface RunResumeStatusReply {
  model: {
    bucket: {
      id: string;
      summaryMetrics?: string | null;
      logLineCount?: number | null;
      historyLineCount?: number | null;
      historyTail?: string | null;
    } | null;
  } | null;
}

export const CREATE_RUN_FILES = `mutation CreateRunFiles($entity: String!, $project: String!, $run: String!, $files: [String!]!) {
  createRunFiles(input: {entityName: $entity, projectName: $project, runName: $run, files: $files}) {
    runID uploadHeaders files { name uploadUrl } } }`;

export interface CreateRunFilesReply {
  createRunFiles: { runID: string; uploadHeaders?: string[] | null; files: Array<{ name: string; uploadUrl: string }> };
}

export const UPSERT_SWEEP = `mutation UpsertSweep($id: ID, $config: String, $description: String, $entityName: String,
  $projectName: String, $controller: JSONString, $scheduler: JSONString, $state: String) {
  upsertSweep(input: {id: $id, config: $config, description: $description, entityName: $entityName,
    projectName: $projectName, controller: $controller, scheduler: $scheduler, state: $state}) {
    sweep { name project { id name entity { id name } } }
    configValidationWarnings
  }
}`;

export interface UpsertSweepReply {
  upsertSweep: { sweep: { name: string; project?: { name: string; entity: { name: string } } | null }; configValidationWarnings?: string[] | null };
}
