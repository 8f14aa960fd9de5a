// What the self-service pages (issue 9: unit, agency, insurer) share: the token login, the
// forms' answer handling (the server's codes and bilingual messages beside the field at
// fault), China-time instants, and one record's detail by id. The pages decide nothing about
// access: every read and write goes to /graphql with the tab's token and the server's policy
// answers; a row outside the token's scope is "not found", whatever id the URL carries.
import { ApiError, CATEGORY, SERVICE_STATUS, el, gql, showError, token } from "./api.js";

export const $ = (id) => document.getElementById(id);

const WHO = `query Who { viewer { name displayName roles } }`;

// "2026-11-29T10:00" (a datetime-local field, a time in China) -> an ISO instant.
export function chinaInstant(local) {
  if (!local) return null;
  return `${local.length === 16 ? `${local}:00` : local}+08:00`;
}

// Now in China as a datetime-local value, the default of "when" fields.
export function nowInChina() {
  const parts = new Intl.DateTimeFormat("en-CA", {
    timeZone: "Asia/Shanghai",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(new Date());
  const p = Object.fromEntries(parts.map((x) => [x.type, x.value]));
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}`;
}

export const todayInChina = () => nowInChina().slice(0, 10);

/** A finding's working days left to its due day, as the server counted them on the
 * ruleset's holiday calendar (findings' workingDaysLeft): never worked out in the page. */
export function daysLeft(f) {
  const n = f.workingDaysLeft;
  if (n === null || n === undefined) return f.dueOn ? "日历未覆盖" : "—";
  if (n > 0) return `剩 ${n} 个工作日`;
  if (n === 0) return f.state === "OVERDUE" ? "已逾期" : "今天到期";
  return `逾期 ${-n} 个工作日`;
}

// An instant shown as its minute in China.
const CHINA_MINUTE = new Intl.DateTimeFormat("zh-CN", {
  timeZone: "Asia/Shanghai",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
});
export const minute = (iso) => (iso ? CHINA_MINUTE.format(new Date(iso)) : "—");

/** The login of one role's page: the form, the role check (a courtesy: the server decides
 * what the token reaches), logout, and `ready(viewer)` once the token is accepted. */
export function session({ role, roleName, ready }) {
  const app = $("app");

  function showLogin(message) {
    app.hidden = true;
    $("who").hidden = true;
    $("login").hidden = false;
    $("login-error").replaceChildren(message ? el("p", { class: "error", role: "alert", text: message }) : "");
    $("token").focus();
  }

  async function start() {
    if (!token.get()) {
      showLogin();
      return;
    }
    let viewer;
    try {
      viewer = (await gql(WHO)).viewer;
    } catch (error) {
      token.clear();
      showLogin(`令牌无效：${error.message}`);
      return;
    }
    if (!viewer.roles.includes(role)) {
      showLogin(`此页面供${roleName}使用：当前令牌（${viewer.displayName}）没有该角色。`);
      return;
    }
    $("login").hidden = true;
    app.hidden = false;
    $("who").hidden = false;
    $("who").textContent = `当前用户：${viewer.displayName}`;
    app.setAttribute("aria-busy", "true");
    try {
      await ready(viewer);
    } catch (error) {
      expired(error) || showError($("app-error"), error);
    } finally {
      app.setAttribute("aria-busy", "false");
    }
  }

  function expired(error) {
    if (error instanceof ApiError && (error.code === "UNAUTHENTICATED" || error.code === "HTTP_401")) {
      token.clear();
      showLogin("登录已失效，请重新输入令牌。");
      return true;
    }
    return false;
  }

  $("login-form").addEventListener("submit", (event) => {
    event.preventDefault();
    token.set($("token").value.trim());
    $("token").value = "";
    start();
  });
  $("logout").addEventListener("click", () => {
    token.clear();
    showLogin("已退出。");
  });
  start();
}

const OUTCOME_TITLE = {
  NotFound: "未找到",
  Forbidden: "无权操作",
  Conflict: "与现有数据冲突",
};

function clearErrors(form) {
  form.querySelectorAll(".field-error").forEach((node) => node.remove());
  form.querySelectorAll("[aria-invalid]").forEach((node) => {
    node.removeAttribute("aria-invalid");
    const ids = (node.getAttribute("aria-describedby") ?? "").split(" ").filter((id) => !id.startsWith("err-"));
    if (ids.length) node.setAttribute("aria-describedby", ids.join(" "));
    else node.removeAttribute("aria-describedby");
  });
  form.querySelector(".form-errors")?.replaceChildren();
}

const bilingual = (e) => `${e.messageZh} / ${e.messageEn}`;

let errorSeq = 0;

/** The server's field errors beside their fields (matched on data-field, the API's own
 * field path such as "hazards[0].toldAt"); the rest in the form's summary. */
function showFieldErrors(form, result) {
  const summary = form.querySelector(".form-errors");
  const items = [];
  let first = null;
  for (const error of result.errors) {
    const field = form.querySelector(`[data-field="${CSS.escape(error.field)}"]`);
    const text = `${error.code}：${bilingual(error)}${error.rule ? `（${error.rule}）` : ""}`;
    if (field) {
      const id = `err-${++errorSeq}`;
      field.setAttribute("aria-invalid", "true");
      field.setAttribute("aria-describedby", `${field.getAttribute("aria-describedby") ?? ""} ${id}`.trim());
      const holder = field.closest("label") ?? field;
      holder.after(el("p", { class: "field-error", id, "data-code": error.code, text }));
      first ??= field;
    }
    items.push(el("li", { "data-code": error.code, text: `${error.field || "—"}：${text}` }));
  }
  summary.replaceChildren(
    el("p", { class: "error", role: "alert", text: `${result.code}：${bilingual(result)}` }),
    el("ul", {}, items),
  );
  (first ?? summary).focus?.();
}

/** Send one mutation for `form`; the answer's union decides: a success is returned, any
 * other answer is shown in the form and null returned. The fields keep what was typed. */
export async function submit(form, mutation, variables, field) {
  clearErrors(form);
  const button = form.querySelector("button[type=submit]");
  button.disabled = true;
  form.setAttribute("aria-busy", "true");
  const summary = form.querySelector(".form-errors");
  try {
    const data = await gql(mutation, variables);
    const result = data[field];
    if (result.__typename.endsWith("Success")) return result;
    if (result.__typename === "InputErrors") showFieldErrors(form, result);
    else {
      const title = OUTCOME_TITLE[result.__typename] ?? result.__typename;
      summary.replaceChildren(el("p", { class: "error", role: "alert", text: `${title} ${result.code}：${bilingual(result)}` }));
    }
    return null;
  } catch (error) {
    summary.replaceChildren(el("p", { class: "error", role: "alert", text: `${error.code ?? ""} ${error.message}`.trim() }));
    return null;
  } finally {
    button.disabled = false;
    form.setAttribute("aria-busy", "false");
  }
}

// What every mutation's union answer is asked for.
export const OUTCOME = `__typename
  ... on InputErrors { code messageZh messageEn errors { code field messageZh messageEn rule } }
  ... on NotFound { code messageZh messageEn }
  ... on Forbidden { code messageZh messageEn }
  ... on Conflict { code messageZh messageEn }`;

// A write's confirmation; it takes the focus, as the form or button it answers may be gone.
export function success(target, text) {
  const message = el("p", { class: "ok", role: "status", tabindex: "-1", text });
  target.replaceChildren(message);
  message.focus();
}

const DETAIL = `query Detail($id: ID!) {
  node(id: $id) {
    __typename id
    ... on ServiceRecord { category status plannedOn completedAt place content process
      unit { name } insurer { name } hazards { description isMajor toldAt } }
    ... on Complaint { filedAt request complaintStatus: status answeredAt answerFacts answerMeasures unit { name } insurer { name } }
  }
}`;

/** The record named by the URL's ?record= (a link target); what the token cannot read is
 * answered "not found" by the server, and shown so. */
export async function recordFromUrl() {
  const id = new URLSearchParams(location.search).get("record");
  const target = $("record");
  if (!id || !target) return;
  target.hidden = false;
  const body = $("record-body");
  try {
    const { node } = await gql(DETAIL, { id });
    if (!node) {
      body.replaceChildren(el("p", { class: "error", role: "alert", text: `未找到 ${id}，或它不在您的范围内。` }));
      return;
    }
    if (!["ServiceRecord", "Complaint"].includes(node.__typename)) {
      body.replaceChildren(el("p", { class: "muted", role: "status", text: `${id}：此页只显示服务记录和投诉的详情。` }));
      return;
    }
    const pairs =
      node.__typename === "ServiceRecord"
        ? [
            ["投保单位", node.unit.name],
            ["保险机构", node.insurer.name],
            ["类别", CATEGORY[node.category] ?? node.category],
            ["状态", SERVICE_STATUS[node.status] ?? node.status],
            ["计划日期", node.plannedOn],
            ["完成时间", minute(node.completedAt)],
            ["地点", node.place],
            ["服务内容", node.content],
            ["服务过程", node.process ?? "—"],
            ["隐患", node.hazards.map((h) => `${h.isMajor ? "【重大】" : ""}${h.description}${h.isMajor ? (h.toldAt ? `（${minute(h.toldAt)} 已告知）` : "（未告知）") : ""}`).join("；") || "—"],
          ]
        : [
            ["投保单位", node.unit.name],
            ["保险机构", node.insurer.name],
            ["投诉时间", minute(node.filedAt)],
            ["投诉请求", node.request],
            ["答复时间", minute(node.answeredAt)],
            ["事实认定", node.answerFacts ?? "—"],
            ["处理措施", node.answerMeasures ?? "—"],
          ];
    body.replaceChildren(
      el("p", { text: id }),
      el("dl", { class: "detail" }, pairs.flatMap(([k, v]) => [el("dt", { text: k }), el("dd", { text: String(v ?? "—") })])),
    );
  } catch (error) {
    showError(body, error);
  }
}

