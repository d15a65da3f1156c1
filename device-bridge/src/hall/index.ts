// Hall services (hall-rules.md): pure logic over the HallStore repository interface. What the API
// layer wires.
export * from './errors.ts';
export * from './clock.ts';
export * from './calendar.ts';
export * from './citizen.ts';
export * from './linkedCitizen.ts';
export * from './session.ts';
export * from './queue.ts';
export * from './visits.ts';
export * from '../store/visitRecords.ts';
export * from './appointments.ts';
export * from './signing.ts';
export * from './certificates.ts';
export * from './applications.ts';
export * from './guidance.ts';
export { ResultNotices, noticeText, type ResultNoticeView } from './notify/resultNotices.ts';
export { NoticeDispatcher, type DispatchRound, type NoticeDispatcherOptions } from './notify/dispatcher.ts';
export { PermanentDeliveryError, type NotificationGateway, type NotificationMessage } from './notify/gateway.ts';
export { FileNotificationGateway } from './notify/fileGateway.ts';
export * from './printRecipes.ts';
export * from './printLog.ts';
export * from '../store/hallStore.ts';
export { openSqliteHallStore, SqliteHallStore, type SqliteHallStoreOptions } from '../store/hallSqlite.ts';
export { openPostgresHallStore, PostgresHallStore, HallDatabaseError, type PostgresHallStoreOptions } from '../store/hallPostgres.ts';
export { HALL_MIGRATIONS } from '../store/hallMigrations.ts';
export { loadDepartmentSeed, parseDepartmentSeed } from '../store/departmentSeed.ts';
export { generateDemoData, demoHallFiller, validLibraryHolders, type DemoDataOptions, type DemoSummary } from '../demo/demoData.ts';
export { DEMO_DATA_FILES, checkoutDemoHallFiller } from '../demo/demoFiles.ts';
