/* 示范市知识产权局 公共脚本 (TRS 模板) */
function createPageHTML(_nPageCount, _nCurrIndex, _sPageName, _sPageExt) {
  if (_nPageCount == null || _nPageCount <= 1) { return; }
  var nCurrIndex = _nCurrIndex || 0;
  if (nCurrIndex == 0) {
    document.write("<span>首页</span>&nbsp;");
  } else {
    var prev = nCurrIndex == 1 ? _sPageName + "." + _sPageExt
                               : _sPageName + "_" + (nCurrIndex - 1) + "." + _sPageExt;
    document.write("<a href=\"" + _sPageName + "." + _sPageExt + "\">首页</a>&nbsp;");
    document.write("<a href=\"" + prev + "\">上一页</a>&nbsp;");
  }
  if (nCurrIndex + 1 < _nPageCount) {
    document.write("<a href=\"" + _sPageName + "_" + (nCurrIndex + 1) + "." + _sPageExt + "\">下一页</a>&nbsp;");
    document.write("<a href=\"" + _sPageName + "_" + (_nPageCount - 1) + "." + _sPageExt + "\">尾页</a>");
  }
  document.write("&nbsp;共" + _nPageCount + "页");
}
function setFontSize(size) {
  var el = document.getElementById("zoom");
  if (el) { el.style.fontSize = size + "px"; }
}
