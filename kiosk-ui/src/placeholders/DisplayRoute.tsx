import { PlaceholderRoute } from './PlaceholderRoute.tsx';

export default function DisplayRoute() {
  return <PlaceholderRoute title="大厅显示屏 / Hall display" issue="issue 6 (hall display)" />;
}
