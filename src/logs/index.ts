// Log reading, following and multiplexing (json-file logs written by berth-shim).
//
// For `up` (attached) and `logs -f` (the printer is the CLI's):
//   await followProject(paths, project, {
//     services, tail, since,                 // optional filters
//     signal: ac.signal,                     // abort to stop following
//     onContainer: (_c, name) => printer.add(name),
//     onLine: (l) => printer.print(l),
//   });
export { followProject, projectLogs, type LogLine, type ProjectLogOptions } from './project.js';
export { displayName } from './display-name.js';
export { parseTimeArg, parseDuration, parseTimestamp, normalizeLogTime, timeOf } from './time.js';
export { parseEntry, EntryJoiner, type LogEntry, type LogStream } from './entry.js';
export { ContainerLog } from './source.js';
export { projectContainers, serviceContainer, type ProjectContainer, type SelectOptions } from './select.js';
