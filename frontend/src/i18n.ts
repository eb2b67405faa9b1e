// UI strings in Chinese (default) and English, and the current language.

export type Lang = 'zh' | 'en';

const zh = {
  'app.title': '一刻钟',
  'app.subtitle': '便民生活圈',
  'nav.resident': '居民',
  'nav.planner': '规划',
  'nav.circles': '区县 / 评审',
  'nav.login': '登录',
  'nav.logout': '退出',
  'lang.toggle': 'English',
  'demo.banner': '演示数据 synthetic：社区、网点与街道为生成数据，仅供演示',
  'error.network': '无法连接服务器',
  'error.unavailable': '服务器尚未提供此功能（{path}）',
  'error.auth': '请先登录',
  'error.forbidden': '没有权限',
  'error.conflict': '数据已被他人修改，请刷新后重试',
  'error.http': '请求失败（{status}）：{message}',
  'error.badResponse': '服务器返回了无法识别的数据（{path}）',
  'map.countiesMissing': '区县边界暂不可用：{message}',
  'resident.title': '15 分钟步行能到哪里？',
  'resident.hint': '点击地图选择位置，或使用“我的位置”。',
  'resident.myLocation': '我的位置',
  'resident.locating': '正在定位…',
  'resident.noGeolocation': '无法获取位置：{message}',
  'resident.loading': '正在计算步行范围…',
  'resident.offNetwork': '该位置距步行网络 {distance}，超出可步行接入的范围，请换一个位置。',
  'resident.summary': '15 分钟步行可达面积 {area}，接入步行网络 {snap}',
  'resident.filters': '筛选',
  'resident.allCategories': '全部',
  'resident.openNow': '正在营业',
  'resident.cash': '收现金',
  'resident.card': '可刷卡',
  'resident.isOpen': '营业中',
  'resident.isClosed': '已打烊',
  'resident.results': '附近 {count} 处',
  'resident.none': '15 分钟步行范围内没有符合条件的网点。',
  'resident.acceptsCash': '收现金',
  'resident.acceptsCard': '可刷卡',
  'resident.walk': '步行 {minutes}',
  'planner.title': '规划图层',
  'planner.outlets': '商业网点',
  'planner.communities': '社区',
  'planner.circles': '生活圈',
  'planner.access': '缺口分析（步行到最近网点的时间）',
  'planner.category': '业态',
  'planner.allCategories': '全部业态',
  'planner.accessCategory': '基本保障类业态',
  'planner.count': '{count} 个',
  'planner.countOf': '显示 {count} / {total} 个，放大查看全部',
  'planner.legend': '步行时间',
  'planner.zoomIn': '请放大地图后查看此图层',
  'planner.population': '人口',
  'circles.title': '生活圈',
  'circles.none': '暂无生活圈。',
  'circles.status.planned': '规划中',
  'circles.status.building': '建设中',
  'circles.status.completed': '已建成',
  'circles.layout.cluster': '集聚式',
  'circles.layout.block': '街区式',
  'circles.layout.scattered': '分散式',
  'circles.register': '登记生活圈',
  'circles.name': '名称',
  'circles.layout': '布局类型',
  'circles.status': '状态',
  'circles.year': '年份（计划或建成）',
  'circles.center': '商业中心位置',
  'circles.centerHint': '在地图上点击选择',
  'circles.communities': '服务社区',
  'circles.submit': '登记',
  'circles.created': '已登记：{name}',
  'circles.evaluate': '评价预览',
  'circles.district': '区县',
  'eval.title': '评价预览：{name}',
  'eval.notice': '重构的默认指标体系 reconstructed default：济宁官方评价指标表（附件3）未公开获取，本体系依据实施方案及国家文件重构，仅供参考。',
  'eval.indicator': '指标',
  'eval.value': '数值',
  'eval.points': '得分',
  'eval.explanation': '说明',
  'eval.total': '总分 {total}',
  'eval.tier': '等级：{tier}',
  'eval.tier.none': '未达标',
  'eval.tier.basic': '达标',
  'eval.tier.high_quality': '高品质',
  'eval.gates': '必备条件',
  'eval.gatePass': '满足',
  'eval.gateFail': '不满足',
  'eval.award': '奖励：{award}',
  'eval.awardEligible': '符合条件，上限 {cap}',
  'eval.awardNot': '不符合奖励条件',
  'eval.submitTitle': '填报调查数据并提交评审（{year} 年）',
  'eval.satisfaction': '居民满意度（%）',
  'eval.sample': '满意度调查样本数',
  'eval.management': '健全管理制度（共建共管）',
  'eval.channel': '投诉举报和反馈评价渠道畅通',
  'eval.received': '收到投诉数',
  'eval.resolved': '已办结投诉数',
  'eval.submit': '提交评审',
  'eval.submittedOk': '已提交评审：{name}',
  'eval.notEditable': '该生活圈 {year} 年的评价为“{status}”，不能再修改提交',
  'review.title': '评审队列',
  'review.none': '暂无待评审的评价。',
  'review.comment': '评审意见',
  'review.awardYuan': '奖励金额（元）',
  'review.approve': '通过',
  'review.return': '退回',
  'review.certify': '认定',
  'review.done': '已{action}：{name}',
  'review.status.submitted': '已提交',
  'review.status.approved': '已通过',
  'review.status.draft': '草稿',
  'review.status.returned': '已退回',
  'review.status.certified': '已认定',
  'login.title': '登录',
  'login.username': '用户名',
  'login.password': '密码',
  'login.submit': '登录',
  'login.failed': '用户名或密码错误',
  'login.required': '此页面需要登录。',
  'login.as': '{user}（{role}）',
  'role.admin': '管理员',
  'role.reviewer': '评审',
  'role.district': '区县',
  'common.loading': '加载中…',
  'common.close': '关闭',
  'common.minutes': '{n} 分钟',
  'common.metres': '{n} 米',
  'common.kilometres': '{n} 公里',
  'common.sqkm': '{n} 平方公里',
  'common.yes': '是',
  'common.no': '否',
} as const;

export type Key = keyof typeof zh;

const en: Record<Key, string> = {
  'app.title': 'QuarterHour',
  'app.subtitle': '15-minute living circles',
  'nav.resident': 'Resident',
  'nav.planner': 'Planner',
  'nav.circles': 'District / Review',
  'nav.login': 'Log in',
  'nav.logout': 'Log out',
  'lang.toggle': '中文',
  'demo.banner': 'Demo data (演示数据 synthetic): communities, outlets and streets are generated',
  'error.network': 'Cannot reach the server',
  'error.unavailable': 'The server does not offer this yet ({path})',
  'error.auth': 'Please log in first',
  'error.forbidden': 'Not allowed',
  'error.conflict': 'Someone else changed this; reload and try again',
  'error.http': 'Request failed ({status}): {message}',
  'error.badResponse': 'The server sent data we cannot read ({path})',
  'map.countiesMissing': 'County boundaries unavailable: {message}',
  'resident.title': 'What can I reach in a 15-minute walk?',
  'resident.hint': 'Tap the map to choose a place, or use "My location".',
  'resident.myLocation': 'My location',
  'resident.locating': 'Locating…',
  'resident.noGeolocation': 'Cannot get your location: {message}',
  'resident.loading': 'Working out the walking area…',
  'resident.offNetwork': 'This place is {distance} from the walking network, too far to start a walk; choose another place.',
  'resident.summary': 'Area within a 15-minute walk: {area}; {snap} to the walking network',
  'resident.filters': 'Filters',
  'resident.allCategories': 'All',
  'resident.openNow': 'Open now',
  'resident.cash': 'Accepts cash',
  'resident.card': 'Accepts cards',
  'resident.isOpen': 'Open',
  'resident.isClosed': 'Closed',
  'resident.results': '{count} nearby',
  'resident.none': 'Nothing matching within a 15-minute walk.',
  'resident.acceptsCash': 'Cash',
  'resident.acceptsCard': 'Card',
  'resident.walk': '{minutes} walk',
  'planner.title': 'Planning layers',
  'planner.outlets': 'Outlets',
  'planner.communities': 'Communities',
  'planner.circles': 'Living circles',
  'planner.access': 'Gaps (walk to the nearest outlet)',
  'planner.category': 'Category',
  'planner.allCategories': 'All categories',
  'planner.accessCategory': 'Basic category',
  'planner.count': '{count}',
  'planner.countOf': '{count} of {total} shown; zoom in for all',
  'planner.legend': 'Walking time',
  'planner.zoomIn': 'Zoom in to see this layer',
  'planner.population': 'Population',
  'circles.title': 'Living circles',
  'circles.none': 'No living circles yet.',
  'circles.status.planned': 'Planned',
  'circles.status.building': 'Building',
  'circles.status.completed': 'Completed',
  'circles.layout.cluster': 'Cluster',
  'circles.layout.block': 'Block',
  'circles.layout.scattered': 'Scattered',
  'circles.register': 'Register a circle',
  'circles.name': 'Name',
  'circles.layout': 'Layout',
  'circles.status': 'Status',
  'circles.year': 'Year (planned or completed)',
  'circles.center': 'Commercial centre',
  'circles.centerHint': 'click the map to choose',
  'circles.communities': 'Communities served',
  'circles.submit': 'Register',
  'circles.created': 'Registered: {name}',
  'circles.evaluate': 'Evaluation preview',
  'circles.district': 'District',
  'eval.title': 'Evaluation preview: {name}',
  'eval.notice': 'Reconstructed default (重构的默认指标体系): the official Jining indicator table (annex 3) is not available; this scheme is rebuilt from the plan and national documents, for reference only.',
  'eval.indicator': 'Indicator',
  'eval.value': 'Value',
  'eval.points': 'Points',
  'eval.explanation': 'Explanation',
  'eval.total': 'Total {total}',
  'eval.tier': 'Tier: {tier}',
  'eval.tier.none': 'Not yet',
  'eval.tier.basic': 'Basic',
  'eval.tier.high_quality': 'High quality',
  'eval.gates': 'Gates',
  'eval.gatePass': 'met',
  'eval.gateFail': 'not met',
  'eval.award': 'Award: {award}',
  'eval.awardEligible': 'eligible, at most {cap}',
  'eval.awardNot': 'not eligible',
  'eval.submitTitle': 'Surveyed values and submission for review ({year})',
  'eval.satisfaction': 'Resident satisfaction (%)',
  'eval.sample': 'Satisfaction survey sample size',
  'eval.management': 'Co-management system in place',
  'eval.channel': 'Complaint and feedback channel in place',
  'eval.received': 'Complaints received',
  'eval.resolved': 'Complaints resolved',
  'eval.submit': 'Submit for review',
  'eval.submittedOk': 'Submitted for review: {name}',
  'eval.notEditable': 'The {year} evaluation of this circle is "{status}" and can no longer be changed',
  'review.title': 'Review queue',
  'review.none': 'Nothing waiting for review.',
  'review.comment': 'Comment',
  'review.awardYuan': 'Award (yuan)',
  'review.approve': 'Approve',
  'review.return': 'Return',
  'review.certify': 'Certify',
  'review.done': '{action}: {name}',
  'review.status.submitted': 'Submitted',
  'review.status.approved': 'Approved',
  'review.status.draft': 'Draft',
  'review.status.returned': 'Returned',
  'review.status.certified': 'Certified',
  'login.title': 'Log in',
  'login.username': 'User name',
  'login.password': 'Password',
  'login.submit': 'Log in',
  'login.failed': 'Wrong user name or password',
  'login.required': 'This page needs a login.',
  'login.as': '{user} ({role})',
  'role.admin': 'Admin',
  'role.reviewer': 'Reviewer',
  'role.district': 'District',
  'common.loading': 'Loading…',
  'common.close': 'Close',
  'common.minutes': '{n} min',
  'common.metres': '{n} m',
  'common.kilometres': '{n} km',
  'common.sqkm': '{n} km²',
  'common.yes': 'yes',
  'common.no': 'no',
};

export const dictionaries: Record<Lang, Record<Key, string>> = { zh, en };

const storageKey = 'qh.lang';
let current: Lang = 'zh';
const listeners = new Set<(lang: Lang) => void>();

/** lang is the language the UI is shown in. */
export function lang(): Lang {
  return current;
}

/** setLang switches the language, remembers it and tells the listeners. */
export function setLang(l: Lang): void {
  if (l === current) return;
  current = l;
  try {
    localStorage.setItem(storageKey, l);
  } catch {
    // storage may be unavailable (private mode); the choice lasts this page only
  }
  for (const fn of listeners) fn(l);
}

/** onLangChange calls fn after every language switch; it returns an unsubscribe function. */
export function onLangChange(fn: (lang: Lang) => void): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/** restoreLang picks the stored language, Chinese when none was chosen. */
export function restoreLang(stored: string | null): Lang {
  current = stored === 'en' ? 'en' : 'zh';
  return current;
}

/** storedLang reads the remembered language choice. */
export function storedLang(): string | null {
  try {
    return localStorage.getItem(storageKey);
  } catch {
    return null;
  }
}

/** t looks up key in the current language and fills {name} placeholders from vars. */
export function t(key: Key, vars: Record<string, string | number> = {}, l: Lang = current): string {
  const s = dictionaries[l][key] ?? dictionaries.zh[key] ?? key;
  return s.replace(/\{(\w+)\}/g, (m, name: string) => (name in vars ? String(vars[name]) : m));
}

/** pick returns the Chinese or English one of two names, falling back to the other. */
export function pick(zhName: string | undefined, enName: string | undefined, l: Lang = current): string {
  return (l === 'en' ? enName || zhName : zhName || enName) ?? '';
}

/** enumLabel names a coded value such as ("circles.status", "planned"), or returns the value when it has no name. */
export function enumLabel(prefix: string, value: string, l: Lang = current): string {
  const key = `${prefix}.${value}`;
  return key in dictionaries[l] ? t(key as Key, {}, l) : value;
}
