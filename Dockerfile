# The operator's image: the shaded jar on a JRE, as a non-root user with a read-only root filesystem in mind.
# Build the jar first: mvn -B -q package -DskipTests
FROM eclipse-temurin:17-jre
COPY operator/target/spaceone-job-operator.jar /opt/spaceone/spaceone-job-operator.jar
# The runner of SpaceONE gRPC plugins: the main container of `protocol: grpc` task pods (RUNNER_COMMAND).
COPY plugin-runner/target/spaceone-plugin-runner.jar /opt/spaceone/plugin-runner.jar
USER 65532:65532
# An OutOfMemoryError in any thread ends the JVM, so Kubernetes restarts a broken operator instead of keeping it.
# With 2 CPUs or fewer the common pool has one thread, and the JDK's HTTP client then completes every API response
# on a new thread (CompletableFuture's thread-per-task fallback): a common pool of 8 reuses its threads.
ENV JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError -Djava.util.concurrent.ForkJoinPool.common.parallelism=8 -Djava.io.tmpdir=/tmp"
ENTRYPOINT ["java", "-jar", "/opt/spaceone/spaceone-job-operator.jar"]
CMD ["operator"]
