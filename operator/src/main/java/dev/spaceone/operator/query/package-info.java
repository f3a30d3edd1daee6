/**
 * The query API, {@code query.spaceone.dev/v1alpha1}: SpaceONE list / stat / analyze over Jobs and
 * JobTasks, served by the operator process as an aggregated API server.
 *
 * <ul>
 *   <li>{@link dev.spaceone.operator.query.Records}: Job / JobTask to a SpaceONE record (snake_case).</li>
 *   <li>{@link dev.spaceone.operator.query.RecordStore}: the records in a query-engine {@code RecordTable} per
 *       resource (maps plus columns for scans), kept current by the operator's own informers through {@link dev.spaceone.operator.query.RecordFeed}; queries read it and
 *       never the API server.</li>
 *   <li>{@link dev.spaceone.operator.query.QueryServer}: HTTPS, discovery, OpenAPI v2 (protobuf, for
 *       kubectl's validation) and v3, and POST of {@code searches}, {@code stats}, {@code analyses},
 *       namespaced or cluster-wide; configured by {@link dev.spaceone.operator.query.QueryServerConfig};
 *       the serving certificate ({@link dev.spaceone.operator.query.ServingCertificate}) is re-read when
 *       its files change.</li>
 *   <li>{@link dev.spaceone.operator.query.Authenticator} with
 *       {@link dev.spaceone.operator.query.AuthenticationConfigSource}: front-proxy and client
 *       certificates verified against {@code kube-system/extension-apiserver-authentication}.</li>
 *   <li>{@link dev.spaceone.operator.query.Authorizer} /
 *       {@link dev.spaceone.operator.query.SubjectAccessReviewAuthorizer}: {@code create} on the query
 *       resource, then {@code list} on {@code jobs} (and for jobtasks also {@code jobtasks}) in
 *       {@code spaceone.dev} per namespace answered about.</li>
 * </ul>
 *
 * <p>Wiring in the operator's main:
 * <pre>{@code
 * SpaceOneOperator operator = SpaceOneOperator.start(client, settings, clock);
 * QueryServer query = QueryServer.start(QueryServerConfig.defaults(), client, operator.records(), clock);
 * // on shutdown: query.close();
 * }</pre>
 * The operator's ServiceAccount needs: get/list/watch on jobs and jobtasks; get/list/watch on the
 * ConfigMap {@code kube-system/extension-apiserver-authentication} (the built-in Role
 * {@code extension-apiserver-authentication-reader} in kube-system grants it); create on
 * {@code subjectaccessreviews.authorization.k8s.io} (the ClusterRole {@code system:auth-delegator}).
 */
package dev.spaceone.operator.query;
