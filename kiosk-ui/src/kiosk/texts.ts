/** Every fixed text of the citizen kiosk, in both languages (Simplified Chinese default). */
import type { Bilingual } from '../i18n/lang.ts';
import type { FeatureId } from './flow.ts';

export const KIOSK_TEXT = {
  brand: { zh: '一门式政务服务 自助终端', en: 'One-Door Government Services · Self-service' },
  placeCard: { zh: '请将身份证放在读卡区', en: 'Please place your ID card on the reader' },
  placeCardHint: {
    zh: '支持居民身份证、港澳台居民居住证、外国人永久居留身份证',
    en: 'Resident ID cards, residence permits for HK/Macao/Taiwan residents and foreign permanent residence ID cards',
  },
  readerArea: { zh: '读卡区', en: 'Card reader' },
  readerPaused: { zh: '暂停使用', en: 'Out of service' },
  greeting: { zh: '您好', en: 'Hello' },
  identityConfirmed: { zh: '身份已确认', en: 'Identity confirmed' },
  greetingSpoken: { zh: '您好，身份已确认，请选择要办理的业务', en: 'Hello. You are signed in. Please choose a service.' },
  idNumber: { zh: '证件号码', en: 'ID number' },
  start: { zh: '开始办理', en: 'Start' },
  chooseService: { zh: '请选择要办理的业务', en: 'Please choose a service' },
  notOpenYet: { zh: '暂未开放', en: 'Not available yet' },
  servicePaused: { zh: '暂停服务', en: 'Service paused' },
  featureNotOpen: {
    zh: '此项业务暂未在自助终端开放，请到服务窗口办理，或选择其他业务',
    en: 'This service is not available at the kiosk yet. Please go to a service counter, or choose another service.',
  },
  featurePaused: {
    zh: '网络连接中断，此项业务暂停服务，请稍候再试或联系工作人员',
    en: 'Connection lost: this service is paused. Please try again later or ask a staff member.',
  },
  back: { zh: '返回', en: 'Back' },
  home: { zh: '首页', en: 'Home' },
  logout: { zh: '退出', en: 'Log out' },
  langSwitch: { zh: 'English', en: '中文' },
  elderlyOn: { zh: '长辈版', en: 'Large text' },
  elderlyOff: { zh: '标准版', en: 'Standard' },
  moreTime: { zh: '需要更多时间吗？', en: 'Do you need more time?' },
  moreTimeButton: { zh: '需要，继续办理', en: 'Yes, more time' },
  secondsLeft: { zh: '秒后将自动退出并清除您的信息', en: 'seconds until you are logged out and your data is cleared' },
  noMoreTime: { zh: '即将自动退出，请带好您的证件', en: 'You will be logged out now. Please take your ID card.' },
  takeCard: { zh: '请取走您的身份证', en: 'Please take your ID card.' },
  cardGone: { zh: '您已取走证件，业务已办完', en: 'You took your card and your task is done.' },
  cardErrorTitle: { zh: '无法读取证件', en: 'Card not read' },
  cardRefusedTitle: { zh: '此证件不能办理业务', en: 'Card not accepted' },
  linkConnected: { zh: '已连接', en: 'Online' },
  linkConnecting: { zh: '正在连接', en: 'Connecting' },
  linkDisconnected: { zh: '连接中断', en: 'Offline' },
  notice: { zh: '提示', en: 'Notice' },
} as const satisfies Record<string, Bilingual>;

export const FEATURE_TEXT: Record<FeatureId, { title: Bilingual; description: Bilingual }> = {
  ticket: {
    title: { zh: '取号', en: 'Queue ticket' },
    description: { zh: '领取排队号码', en: 'Take a number for the queue' },
  },
  appointments: {
    title: { zh: '预约', en: 'Appointments' },
    description: { zh: '签到、预约、取消预约', en: 'Check in, book or cancel' },
  },
  apply: {
    title: { zh: '办理申请', en: 'Apply' },
    description: { zh: '自助提交办事申请', en: 'Apply for a service here' },
  },
  certificates: {
    title: { zh: '电子证照', en: 'E-certificates' },
    description: { zh: '查看并打印证照', en: 'View and print your certificates' },
  },
  progress: {
    title: { zh: '办事进度', en: 'Progress' },
    description: { zh: '查询申办进度', en: 'Follow your applications' },
  },
  guidance: {
    title: { zh: '办事指南', en: 'Service guide' },
    description: { zh: '所需材料与办理流程', en: 'What to bring and how it works' },
  },
};

/**
 * Functions built so far (added one by one); the others show "暂未开放" and explain, never a dead end.
 */
export const AVAILABLE_FEATURES: ReadonlySet<FeatureId> = new Set<FeatureId>(['ticket', 'appointments', 'apply', 'certificates', 'progress', 'guidance']);
