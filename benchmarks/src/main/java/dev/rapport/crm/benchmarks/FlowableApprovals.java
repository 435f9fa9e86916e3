package dev.rapport.crm.benchmarks;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.flowable.common.engine.impl.history.HistoryLevel;
import org.flowable.engine.HistoryService;
import org.flowable.engine.ProcessEngine;
import org.flowable.engine.ProcessEngineConfiguration;
import org.flowable.engine.RuntimeService;
import org.flowable.engine.TaskService;
import org.flowable.engine.delegate.DelegateExecution;
import org.flowable.engine.delegate.JavaDelegate;
import org.flowable.engine.history.HistoricProcessInstance;
import org.flowable.engine.impl.cfg.ProcessEngineConfigurationImpl;
import org.flowable.task.api.Task;
import org.flowable.task.api.history.HistoricTaskInstance;

/**
 * The anchor of the approval benchmark: Flowable 7's embedded BPMN engine on one {@link AuditDb} (its own in-memory
 * H2 database, or a schema of the PostgreSQL server that every pooled connection starts in), running
 * {@code credit-approval.bpmn20.xml}: start, a user task for the requester's manager, one for finance (fay), a service
 * task standing for the approved change ({@link ApplyChange}: it reads the amount and counts the run, and writes
 * nothing), end.
 *
 * <p>The engine as an embedding host would build it: {@code createStandaloneProcessEngineConfiguration()} on the
 * pool (one transaction per service call, Flowable's own), its tables made at start
 * ({@code databaseSchemaUpdate=true}), history level {@code audit} (Flowable's default: process instances, tasks,
 * activities and variables are recorded; {@code full} would add variable updates and form properties), the async
 * executor off (no job runs in this process). Everything else is Flowable's default (its database id generator,
 * the IDM and event-registry engines it starts alongside).
 */
final class FlowableApprovals implements AutoCloseable {
  static final String PROCESS = "creditApproval";
  static final String BPMN = "dev/rapport/crm/benchmarks/credit-approval.bpmn20.xml";

  /** Runs of the service task, in this JVM. */
  static final AtomicLong APPLIED = new AtomicLong();

  final AuditDb db;
  final ProcessEngine engine;
  private final RuntimeService runtime;
  private final TaskService tasks;
  private final HistoryService history;
  private final long appliedBefore;
  private long started;

  FlowableApprovals(AuditDb db) {
    this.db = db;
    ProcessEngineConfiguration cfg = ProcessEngineConfiguration.createStandaloneProcessEngineConfiguration()
        .setDataSource(db.pool)
        .setDatabaseSchemaUpdate(ProcessEngineConfiguration.DB_SCHEMA_UPDATE_TRUE)
        .setHistoryLevel(HistoryLevel.AUDIT)
        .setAsyncExecutorActivate(false)
        .setEngineName(db.schema);
    if (db.postgres()) {
      // where Flowable looks for its tables at start (a null schema would find another run's ACT_ tables); the
      // statements themselves name no schema and go to the connection's search_path, the run's schema
      cfg.setDatabaseSchema(db.schema);
    }
    engine = cfg.buildProcessEngine();
    engine.getRepositoryService().createDeployment().name("credit approval").addClasspathResource(BPMN).deploy();
    runtime = engine.getRuntimeService();
    tasks = engine.getTaskService();
    history = engine.getHistoryService();
    appliedBefore = APPLIED.get();
    check();
  }

  /** One process, start to finish: started, the manager's task completed, finance's completed, the change applied. */
  String process(String businessKey, long amount) {
    String id = start(businessKey, amount);
    completeOpenTask(id);
    completeOpenTask(id);
    return id;
  }

  /** Starts a process for the raise of {@code businessKey}'s limit to {@code amount} CNY; the instance's id. */
  String start(String businessKey, long amount) {
    started++;
    return runtime.startProcessInstanceByKey(PROCESS, businessKey,
        Map.of("manager", "bob", "amount", amount, "currency", "CNY")).getId();
  }

  /** Finds the process instance's open task and completes it (the approval of that step). */
  void completeOpenTask(String processInstanceId) {
    Task t = tasks.createTaskQuery().processInstanceId(processInstanceId).singleResult();
    if (t == null) {
      throw new IllegalStateException("process instance " + processInstanceId + " has no open task");
    }
    tasks.complete(t.getId());
  }

  /** One process through, checked: the tasks' assignees, the service task's run, the finished history. */
  private void check() {
    long applied = APPLIED.get();
    String id = start("check", 100_001);
    Task manager = tasks.createTaskQuery().processInstanceId(id).singleResult();
    RapportApprovals.require(manager != null && "bob".equals(manager.getAssignee())
        && "manager".equals(manager.getTaskDefinitionKey()), "the first task is bob's: " + manager);
    tasks.complete(manager.getId());
    Task finance = tasks.createTaskQuery().processInstanceId(id).singleResult();
    RapportApprovals.require(finance != null && "fay".equals(finance.getAssignee())
        && "finance".equals(finance.getTaskDefinitionKey()), "the second task is fay's: " + finance);
    RapportApprovals.require(APPLIED.get() == applied, "nothing applied before the second approval");
    tasks.complete(finance.getId());
    RapportApprovals.require(APPLIED.get() == applied + 1, "the change applied once after the second approval");
    HistoricProcessInstance h = history.createHistoricProcessInstanceQuery().processInstanceId(id).singleResult();
    RapportApprovals.require(h != null && h.getEndTime() != null && "done".equals(h.getEndActivityId()),
        "the historic process instance is finished at the end event: " + h);
    List<HistoricTaskInstance> done = history.createHistoricTaskInstanceQuery().processInstanceId(id).finished()
        .orderByHistoricTaskInstanceEndTime().asc().list();
    RapportApprovals.require(done.size() == 2 && "bob".equals(done.get(0).getAssignee())
        && "fay".equals(done.get(1).getAssignee()), "history holds both tasks: " + done);
    RapportApprovals.require(runtime.createProcessInstanceQuery().count() == 0, "no process instance is running");
  }

  /** Processes started so far (the set-up's one included), finished ones in history, running ones, changes applied. */
  long[] counts() {
    return new long[] {started, history.createHistoricProcessInstanceQuery().finished().count(),
        runtime.createProcessInstanceQuery().count(), APPLIED.get() - appliedBefore};
  }

  /** What the engine was built with, for the log. */
  String describe() {
    ProcessEngineConfigurationImpl cfg = (ProcessEngineConfigurationImpl) engine.getProcessEngineConfiguration();
    return "Flowable " + ProcessEngine.VERSION + " on " + cfg.getDatabaseType()
        + ", history " + cfg.getHistoryLevel().getKey() + ", id generator " + cfg.getIdGenerator().getClass()
        .getSimpleName() + ", async executor " + (cfg.isAsyncExecutorActivate() ? "on" : "off");
  }

  @Override
  public void close() throws SQLException {
    try {
      engine.close();
    } finally {
      db.close();
    }
  }

  /** The service task: what running the approved change costs Flowable itself (reading its variables); no write. */
  public static final class ApplyChange implements JavaDelegate {
    @Override
    public void execute(DelegateExecution execution) {
      if (execution.getVariable("amount") == null || execution.getVariable("currency") == null) {
        throw new IllegalStateException("no amount to apply");
      }
      APPLIED.incrementAndGet();
    }
  }
}
